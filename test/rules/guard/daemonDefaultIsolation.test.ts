import { daemonDefaultIsolation, statedDefaultHolds } from "../../../rules/guard/daemonDefaultIsolation";

test("the default isolation daemon.json's exec-opts set: the first isolation= option, any case; anything else is none", () => {
    expect(daemonDefaultIsolation([])).toBeUndefined();
    expect(daemonDefaultIsolation(["native.cgroupdriver=systemd", "Isolation=HyperV"])).toBe("hyperv");
    expect(daemonDefaultIsolation(["isolation=process", "isolation=hyperv"])).toBe("process");
    expect(daemonDefaultIsolation(["isolation=default"])).toBeUndefined();
});

test("settings may state a daemon default only when the daemon sets that very mode; stating none always holds", () => {
    expect(statedDefaultHolds(undefined, undefined)).toBe(true);
    expect(statedDefaultHolds(undefined, "process")).toBe(true);
    expect(statedDefaultHolds("hyperv", "hyperv")).toBe(true);
    expect(statedDefaultHolds("hyperv", undefined)).toBe(false);
    expect(statedDefaultHolds("hyperv", "process")).toBe(false);
    expect(statedDefaultHolds("process", "hyperv")).toBe(false);
});
