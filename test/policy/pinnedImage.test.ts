/**
 * pinned-image (advisory), evaluated by the real pack over gRPC: each case changes one image of
 * the happy stack.
 */
import { policyTable } from "../helpers/policyPack";
import { container, replaced, service } from "../helpers/policyFactories";

const P = "pinned-image";

policyTable(P, [
    {
        name: "latest: advisory finding",
        stack: replaced(service("svc", { image: "mcr.microsoft.com/windows/servercore:latest" })),
        findings: [["svc", expect.stringMatching(/'latest' tag/)]],
        also: (e) => expect(e.diagnostics.find((d) => d.policyName === P)?.enforcementLevel).toBe("advisory"),
    },
    {
        name: "untagged container image: advisory finding",
        stack: replaced(container("ctr", { image: "contoso/tool" })),
        findings: [["ctr", expect.stringMatching(/has no tag/)]],
    },
    {
        name: "a trusted registry accepts latest, and the report shows the exception",
        stack: replaced(container("ctr", { image: "myacr.azurecr.io/tools/probe:latest" })),
        config: { [P]: { trustedRegistries: ["myacr.azurecr.io/tools"] } },
        findings: [],
        also: (e) => expect(e.suppressed.map((d) => [d.policyName, d.urn])).toEqual([[P, container("ctr").urn]]),
    },
]);
