/**
 * The windows-isolation policy pack. `pulumi preview --policy-pack policy` runs this file; so
 * does `npm run plan`, through the same gRPC analyzer server, so the two cannot disagree.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("windows-isolation", { policies });
