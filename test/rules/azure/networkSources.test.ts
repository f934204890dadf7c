import fc from "fast-check";
import { checkAllowedClientCidrs, isInternetSource, MANAGEMENT_PORTS, parseCidr } from "../../../rules";

test("the management ports are exactly the Docker, RDP and WinRM ports", () => {
    expect(Object.keys(MANAGEMENT_PORTS).map(Number)).toEqual([2375, 2376, 3389, 5985, 5986]);
});

test.each([
    "*", "0.0.0.0/0", "Internet", "internet", "Any", "ANY", "::/0", "0.0.0.0", "::", "AzureCloud", "AzureCloud.westeurope",
    "0.0.0.0/1", "128.0.0.0/1", "1.0.0.0/7", "2000::/3", "2001::/15", "not-an-address", "", "10.0.0.0/33", "1.2.3.256",
])("'%s' counts as an Internet source", (source) => {
    expect(isInternetSource(source)).toBe(true);
});

test.each([
    "203.0.113.10", "203.0.113.10/32", "198.51.100.0/24", "10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12",
    "2001:db8::1", "2001:db8::/32", "fd00::/8", "fc00::/7", "fe80::/10", "100.64.0.0/10",
    "VirtualNetwork", "AzureLoadBalancer",
])("'%s' is a bounded range or an internal service tag", (source) => {
    expect(isInternetSource(source)).toBe(false);
});

test("parseCidr reads IPv4 and IPv6 with and without a prefix", () => {
    expect(parseCidr("10.1.2.3/16")).toEqual({ family: 4, address: 0x0a010203, prefix: 16 });
    expect(parseCidr("10.1.2.3")).toEqual({ family: 4, address: 0x0a010203, prefix: 32 });
    expect(parseCidr("2001:db8::/32")).toEqual({ family: 6, address: 0x20010db8n << 96n, prefix: 32 });
    expect(parseCidr("::1")).toEqual({ family: 6, address: 1n, prefix: 128 });
    expect(parseCidr("1:2:3:4:5:6:7:8:9")).toBeUndefined();
    expect(parseCidr("1::2::3")).toBeUndefined();
});

test("property: every IPv4 range wider than /8 is Internet, every /8 or narrower non-zero range is not", () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const source = `${ip}/${prefix}`;
        const zero = ip === "0.0.0.0";
        return isInternetSource(source) === (zero || prefix < 8);
    }), { numRuns: 2000 });
});

test("property: IPv6 ranges wider than /16 outside fc00::/7 and fe80::/10 are Internet", () => {
    fc.assert(fc.property(fc.ipV6(), fc.integer({ min: 0, max: 15 }), (ip, prefix) => {
        const parsed = parseCidr(`${ip}/${prefix}`);
        fc.pre(parsed !== undefined && parsed.address !== 0n);
        const address = BigInt(parsed!.address);
        const uniqueLocal = prefix >= 7 && address >> 121n === 0x7en;
        const linkLocal = prefix >= 10 && address >> 118n === 0x3fan;
        return isInternetSource(`${ip}/${prefix}`) === !(uniqueLocal || linkLocal);
    }), { numRuns: 1000 });
});

test("fe80::/10 (link local) is not Internet; a wider range around it is", () => {
    // The counterexample fast-check found for an oracle that forgot link-local addresses.
    expect(isInternetSource("fe80::0:0/10")).toBe(false);
    expect(isInternetSource("fe80::/9")).toBe(true);
});

describe("checkAllowedClientCidrs", () => {
    test("accepts named client ranges", () => {
        expect(checkAllowedClientCidrs(["203.0.113.10/32", "198.51.100.0/24", "2001:db8::/48"])).toEqual([]);
    });

    test("refuses an empty list with the fix", () => {
        expect(checkAllowedClientCidrs([])).toEqual([
            "publicEndpoint.allowedClientCidrs is empty: a public endpoint nobody may reach is a mistake; list your clients' address ranges (e.g. 203.0.113.10/32) or leave publicEndpoint out",
        ]);
    });

    test("refuses 0.0.0.0/0 naming the field, the value and the rule", () => {
        expect(checkAllowedClientCidrs(["203.0.113.10/32", "0.0.0.0/0"])).toEqual([
            "publicEndpoint.allowedClientCidrs contains '0.0.0.0/0', which opens the Docker API (2376) to the whole Internet; list only your clients' ranges (e.g. 203.0.113.10/32)",
        ]);
    });

    test.each(["*", "Internet", "Any", "AzureCloud", "VirtualNetwork", "office"])("refuses the tag or word '%s'", (tag) => {
        const problems = checkAllowedClientCidrs([tag]);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`contains '${tag}', which is not an IP address or CIDR`);
    });

    test("property: a list passes only if no entry is an Internet source", () => {
        const entry = fc.oneof(fc.ipV4().map((ip) => `${ip}/32`), fc.constantFrom("*", "0.0.0.0/0", "Internet", "::/0", "Any", "8.0.0.0/6"));
        fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), (list) =>
            (checkAllowedClientCidrs(list).length === 0) === list.every((c) => !isInternetSource(c))), { numRuns: 1000 });
    });
});
