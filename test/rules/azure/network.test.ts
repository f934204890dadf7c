import fc from "fast-check";
import { exposedManagementPorts, MANAGEMENT_PORTS, NEVER_FROM_INTERNET_PORTS, portRangeIncludes } from "../../../rules";

describe("portRangeIncludes", () => {
    test("single ports, spans, the wildcard", () => {
        expect(portRangeIncludes("3389", 3389)).toBe(true);
        expect(portRangeIncludes("3390", 3389)).toBe(false);
        expect(portRangeIncludes("3000-4000", 3389)).toBe(true);
        expect(portRangeIncludes("4000-5000", 3389)).toBe(false);
        expect(portRangeIncludes("*", 5986)).toBe(true);
    });
    test("an unparseable range counts as including the port (fail closed)", () => {
        expect(portRangeIncludes("rdp", 3389)).toBe(true);
    });
    test("a span includes exactly the ports between its ends", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (a, b, port) => {
                const [lo, hi] = a <= b ? [a, b] : [b, a];
                expect(portRangeIncludes(`${lo}-${hi}`, port)).toBe(lo <= port && port <= hi);
            }),
        );
    });
});

describe("exposedManagementPorts", () => {
    const rdpOpen = { access: "Allow", direction: "Inbound", sourceAddressPrefix: "Internet", destinationPortRange: "3389" };
    test("an inbound Allow from the Internet on 3389 exposes RDP, with the rule and the fix", () => {
        expect(exposedManagementPorts(rdpOpen)).toEqual([{ port: 3389, message: expect.stringMatching(/'Internet' on port range '3389' exposes 3389 \(RDP\).*restrict the source/) }]);
    });
    test("Deny, Outbound, a private source or another port expose nothing", () => {
        expect(exposedManagementPorts({ ...rdpOpen, access: "Deny" })).toEqual([]);
        expect(exposedManagementPorts({ ...rdpOpen, direction: "Outbound" })).toEqual([]);
        expect(exposedManagementPorts({ ...rdpOpen, sourceAddressPrefix: "10.0.0.0/8" })).toEqual([]);
        expect(exposedManagementPorts({ ...rdpOpen, sourceAddressPrefix: "VirtualNetwork" })).toEqual([]);
        expect(exposedManagementPorts({ ...rdpOpen, sourceAddressPrefix: "0.0.0.0/1" })).toHaveLength(1);
        expect(exposedManagementPorts({ ...rdpOpen, destinationPortRange: "443" })).toEqual([]);
    });
    test("a wildcard port range exposes all five management ports and the three swarm ports; prefixes lists count too", () => {
        const all = exposedManagementPorts({ access: "Allow", direction: "Inbound", sourceAddressPrefixes: ["10.1.0.0/16", "*"], destinationPortRanges: ["*"] });
        expect(all.map((e) => e.port)).toEqual(Object.keys(NEVER_FROM_INTERNET_PORTS).map(Number));
        expect(all.map((e) => e.port)).toEqual([2375, 2376, 2377, 3389, 4789, 5985, 5986, 7946]);
        expect(Object.keys(MANAGEMENT_PORTS).every((p) => Object.keys(NEVER_FROM_INTERNET_PORTS).includes(p))).toBe(true);
    });
    test("the swarm ports from the Internet are exposures too, whatever the rule's protocol", () => {
        const vxlan = exposedManagementPorts({ access: "Allow", direction: "Inbound", sourceAddressPrefix: "Internet", destinationPortRange: "4789" });
        expect(vxlan).toEqual([{ port: 4789, message: expect.stringMatching(/exposes 4789 \(Docker overlay network traffic \(VXLAN\)\) to the Internet/) }]);
        expect(exposedManagementPorts({ access: "Allow", direction: "Inbound", sourceAddressPrefix: "0.0.0.0/0", destinationPortRange: "2000-3000" }).map((e) => e.port)).toEqual([2375, 2376, 2377]);
        expect(exposedManagementPorts({ access: "Allow", direction: "Inbound", sourceAddressPrefix: "10.40.0.0/24", destinationPortRange: "2377" })).toEqual([]);
    });
});
