import fc from "fast-check";
import { checkPoolSubnetPrefix, isInternetSource, spreadOverZones, SWARM_PORTS, swarmManagerCount, swarmRoles } from "../../../rules";

test("the swarm ports are Docker's: 2377/tcp, 7946/tcp+udp, 4789/udp", () => {
    expect(SWARM_PORTS.map((p) => `${p.port}/${p.protocol}`)).toEqual(["2377/Tcp", "7946/Tcp", "7946/Udp", "4789/Udp"]);
});

test("managers: 1 below three hosts, 3 from three hosts on", () => {
    expect([1, 2, 3, 4, 5, 50].map(swarmManagerCount)).toEqual([1, 1, 3, 3, 3, 3]);
    expect(swarmRoles(1)).toEqual(["init"]);
    expect(swarmRoles(2)).toEqual(["init", "worker"]);
    expect(swarmRoles(5)).toEqual(["init", "manager", "manager", "worker", "worker"]);
});

test("property: exactly one node inits, managers (init included) are 1 or 3, never more than the hosts", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), (n) => {
        const roles = swarmRoles(n);
        const managers = roles.filter((r) => r !== "worker").length;
        return roles.length === n && roles[0] === "init" && roles.filter((r) => r === "init").length === 1
            && managers === (n >= 3 ? 3 : 1) && roles.slice(managers).every((r) => r === "worker");
    }));
});

test("zones: round robin, explicit zones win, no zones in a region without them", () => {
    expect(spreadOverZones([undefined, undefined, undefined, undefined], ["1", "2", "3"])).toEqual(["1", "2", "3", "1"]);
    expect(spreadOverZones([undefined, "3", undefined], ["1", "2"])).toEqual(["1", "3", "1"]);
    expect(spreadOverZones([undefined, undefined], [])).toEqual([undefined, undefined]);
});

test("property: with three zones, the first three nodes (the managers of a pool of three or more) sit in three zones", () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 60 }), (n) => new Set(spreadOverZones(Array(n).fill(undefined), ["1", "2", "3"]).slice(0, 3)).size === 3));
});

describe("the pool subnet prefix", () => {
    test.each(["10.40.0.0/24", "172.16.5.0/24", "172.31.255.0/28", "192.168.1.0/24", "10.0.0.0/8"])("%s is accepted", (p) => {
        expect(checkPoolSubnetPrefix(p)).toEqual([]);
    });

    test.each([
        ["20.1.0.0/24", /is not inside a private range/],
        ["172.32.0.0/24", /is not inside a private range/],
        ["10.0.0.0/7", /is not inside a private range/],
        ["0.0.0.0/0", /is not inside a private range/],
        ["10.40.0.4", /must be the subnet's IPv4 address prefix as a CIDR/],
        ["VirtualNetwork", /must be the subnet's IPv4 address prefix as a CIDR/],
        ["fd00::/64", /must be the subnet's IPv4 address prefix as a CIDR/],
        ["172.30.4.0/24", /overlaps 172\.30\.0\.0\/16, the swarm's overlay address pool \(--default-addr-pool\)/],
        ["172.16.0.0/12", /overlaps 172\.30\.0\.0\/16/],
    ])("%s is refused", (p, message) => {
        expect(checkPoolSubnetPrefix(p)).toEqual([expect.stringMatching(message)]);
    });

    test("property: an accepted prefix is never an Internet source (the swarm ports stay private)", () => {
        const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
        fc.assert(fc.property(cidr, (c) => checkPoolSubnetPrefix(c).length > 0 || !isInternetSource(c)), { numRuns: 5000 });
    });
});
