/**
 * trusted-images (mandatory), evaluated by the real pack over gRPC: the happy stack's trusted
 * container (mcr.microsoft.com/windows/nanoserver:ltsc2022) against the configured registries.
 */
import { policyTable } from "../helpers/policyPack";
import { container, replaced, service, trustLabels, windowsContainer } from "../helpers/policyFactories";

const P = "trusted-images";
const D = `sha256:${"a".repeat(64)}`;
const mcr = { registries: ["mcr.microsoft.com"] };

policyTable(P, [
    {
        name: "not configured: not applicable, every trusted label stands as before",
        stack: replaced(container("ctr", { image: "contoso/tool:1" })),
        findings: [],
        also: (e) => expect(e.notApplicable.filter((n) => n.policyName === P).map((n) => n.reason)).toContain("no trusted-images.registries configured"),
    },
    {
        name: "a trusted container from a listed registry passes; from another registry it is a mandatory violation",
        stack: replaced(container("ctr", { image: "contoso/tool:1" })),
        config: { [P]: mcr },
        findings: [["ctr", expect.stringMatching(/^image 'contoso\/tool:1' is labelled trusted but does not come from a trusted registry/)]],
        also: (e) => expect(e.diagnostics.find((d) => d.policyName === P)?.enforcementLevel).toBe("mandatory"),
    },
    {
        name: "an untrusted workload may run any image",
        stack: replaced(service("svc", { image: "contoso/tool:1" })),
        config: { [P]: mcr },
        findings: [],
    },
    {
        name: "a trusted service and a trusted WindowsContainer are held to the list too",
        stack: replaced(service("svc", { image: "contoso/tool:1", isolation: "process" }, trustLabels("trusted")), windowsContainer("wc", { trust: "trusted", image: "contoso/app:ltsc2022" })),
        config: { [P]: mcr },
        findings: [
            ["svc", expect.stringMatching(/^image 'contoso\/tool:1' is labelled trusted/)],
            ["wc", expect.stringMatching(/^image 'contoso\/app:ltsc2022' is labelled trusted/)],
        ],
    },
    {
        name: "requireDigest: the happy stack's tag is not enough; a digest is",
        stack: replaced(container("ctr", { image: `mcr.microsoft.com/windows/nanoserver@${D}` })),
        config: { [P]: { ...mcr, requireDigest: true } },
        findings: [],
    },
    {
        name: "resolved: a pinned digest the registry does not hold is a violation",
        stack: replaced(container("ctr", { image: `mcr.microsoft.com/windows/nanoserver@${D}` })),
        config: { [P]: { ...mcr, resolvedImages: { [`mcr.microsoft.com/windows/nanoserver@${D}`]: { reference: `mcr.microsoft.com/windows/nanoserver@${D}`, registry: "mcr.microsoft.com", error: "image at mcr.microsoft.com: 404: no manifest" } } } },
        findings: [["ctr", "a trusted image's digest could not be checked against its registry: image at mcr.microsoft.com: 404: no manifest"]],
    },
]);
