/**
 * The engine's cgroups: dockerd runs with `--cgroup-parent /<the engine dir's name>`, so that every
 * container's cgroup (in every hierarchy) sits under one cgroup named after the engine's owner.
 * The kernel empties them when the engine's PID namespace ends, but nobody removes them then (runc
 * would, on a clean container exit): stopEngine does, and the next start removes those of engines
 * whose owner has ended (a killed run).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isStale } from "./engineDir";

/** Where this machine mounts its cgroup hierarchies (v1 controllers, and cgroup2 unified or alone). */
export function cgroupRoots(): string[] {
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((line) => line.split(" "))
        .filter((f) => ["cgroup", "cgroup2"].includes(f[f.indexOf("-") + 1]))
        .map((f) => f[4]);
}

/** rmdir from the leaves up: a cgroup's files go with it, and the kernel refuses one that holds processes. */
function removeTree(dir: string): void {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // another suite removed the same leftover meanwhile
        throw e;
    }
    for (const e of entries) if (e.isDirectory()) removeTree(path.join(dir, e.name));
    try {
        fs.rmdirSync(dir);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return;
        throw new Error(`test engine: cannot remove cgroup ${dir} (${code})${code === "EBUSY" ? ": processes still run in it" : ""}`);
    }
}

/** Removes the cgroup `name` from every hierarchy; returns the paths removed. */
export function removeEngineCgroups(name: string): string[] {
    const removed: string[] = [];
    for (const root of cgroupRoots()) {
        const dir = path.join(root, name);
        if (!fs.existsSync(dir)) continue;
        removeTree(dir);
        removed.push(dir);
    }
    return removed;
}

/** Removes the cgroups of every engine whose owner has ended; returns the paths removed. */
export function removeStaleEngineCgroups(): string[] {
    const names = new Set(cgroupRoots().flatMap((root) => fs.readdirSync(root).filter(isStale)));
    return [...names].flatMap(removeEngineCgroups);
}
