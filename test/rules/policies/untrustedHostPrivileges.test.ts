/** untrusted-no-host-access for host privileges (privileged, capabilities, host namespaces, volumes-from). */
import { hostPrivilegeProblems, UNKNOWN_UNTIL_DEPLOY } from "../../../rules";

const all = {
    privileged: { field: "Privileged", value: true },
    capAdd: { field: "CapAdd", value: ["NET_ADMIN"] },
    namespaceModes: [
        { field: "NetworkMode", value: "HOST" },
        { field: "PidMode", value: "container:abc" },
        { field: "IpcMode", value: "private" },
        { field: "UTSMode", value: 3 },
    ],
    volumesFrom: { field: "VolumesFrom", value: ["other"] },
};

test("each host privilege of an untrusted workload is one finding naming field and value", () => {
    const p = hostPrivilegeProblems("untrusted", all);
    expect(p).toHaveLength(6);
    expect(p[0]).toMatch(/^Privileged true gives the workload the host's devices/);
    expect(p[2]).toMatch(/^NetworkMode "HOST" shares a namespace/);
    expect(p[3]).toMatch(/^PidMode "container:abc"/);
    expect(p[4]).toMatch(/^UTSMode 3 is not a namespace mode/);
    expect(p.every((m) => m.includes("untrusted-no-host-access"))).toBe(true);
});

test("a trusted workload, and unset or harmless values, give none", () => {
    expect(hostPrivilegeProblems("trusted", all)).toEqual([]);
    expect(hostPrivilegeProblems("untrusted", { privileged: { field: "P", value: false }, capAdd: { field: "C", value: [] }, namespaceModes: [{ field: "N", value: "nat" }, { field: "M", value: "" }], volumesFrom: { field: "V", value: null } })).toEqual([]);
});

test.each<[string, Parameters<typeof hostPrivilegeProblems>[1], RegExp[]]>([
    ["privileged unknown until deploy", { privileged: { field: "privileged", value: UNKNOWN_UNTIL_DEPLOY } }, [/^privileged is not known until deploy/]],
    ["capabilities unknown until deploy", { capAdd: { field: "capabilities.adds", value: UNKNOWN_UNTIL_DEPLOY } }, [/^capabilities.adds is not known until deploy/]],
    ["a namespace mode unknown until deploy", { namespaceModes: [{ field: "networkMode", value: UNKNOWN_UNTIL_DEPLOY }, { field: "pidMode", value: "host" }] }, [/^networkMode is not known until deploy/, /^pidMode "host" shares/]],
    ["volumes-from one fact per entry", { volumesFrom: [{ field: "volumes[0].fromContainer", value: "a" }, { field: "volumes[1].fromContainer", value: "" }, { field: "volumes[2].fromContainer", value: "b" }] }, [/^volumes\[0\].fromContainer "a" takes/, /^volumes\[2\].fromContainer "b" takes/]],
    ["volumes-from entry unknown until deploy", { volumesFrom: [{ field: "volumes[0].fromContainer", value: UNKNOWN_UNTIL_DEPLOY }] }, [/^volumes\[0\].fromContainer is not known until deploy/]],
])("untrusted, %s: one finding each, naming the field", (_name, facts, expected) => {
    const p = hostPrivilegeProblems("untrusted", facts);
    expect(p).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(p[i]).toMatch(re));
    expect(hostPrivilegeProblems("trusted", facts)).toEqual([]);
});
