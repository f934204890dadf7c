/** untrusted-no-host-access for host privileges (privileged, capabilities, host namespaces, volumes-from). */
import { hostPrivilegeProblems } from "../../../rules";

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
