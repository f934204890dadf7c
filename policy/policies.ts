/** Every policy of the pack, in report order (the order the analyzer lists them in). */
import { Policies } from "@pulumi/policy";
import { dockerApiTlsOnly } from "./dockerApiTlsOnly";
import { hypervHostNestedVirtualization } from "./hypervHostNestedVirtualization";
import { imageHostCompatibility } from "./imageHostCompatibility";
import { pinnedImage } from "./pinnedImage";
import { trustedImages } from "./trustedImages";
import { untrustedNoHostAccess } from "./untrustedNoHostAccess";
import { untrustedRequiresHyperv } from "./untrustedRequiresHyperv";
import { workloadMatchesComponent } from "./workloadMatchesComponent";

export const policies: Policies = [untrustedRequiresHyperv, untrustedNoHostAccess, workloadMatchesComponent, imageHostCompatibility, hypervHostNestedVirtualization, dockerApiTlsOnly, pinnedImage, trustedImages];
