/** The default provider the plan records in place of the one the engine builds from stack config. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultProvider, defaultProviderLocation, defaultProviderName } from "../../../review/plan/defaultProvider";
import { SECRET_SIG, SIG_KEY } from "../../../review/analyzer/resource";

const config = {
    project: "p",
    stack: "s",
    values: { "docker:host": "tcp://h:2376", "docker:keyMaterial": "<placeholder>", "dockerish:host": "x", "p:other": "y" },
    secretKeys: ["docker:keyMaterial"],
    placeholders: ["docker:keyMaterial"],
};

test("named as the engine names it: default_<version, dots as underscores>", () => {
    expect(defaultProviderName("5.2.0")).toBe("default_5_2_0");
    expect(defaultProviderName("")).toBe("default");
});

test("its inputs are the package's config keys only; a secure key stays secret", () => {
    const p = defaultProvider("urn:x", "docker", config, "5.2.0");
    expect(p).toMatchObject({ type: "pulumi:providers:docker", name: "default_5_2_0", custom: true, defaultProvider: true });
    expect(p.inputs).toEqual({ host: "tcp://h:2376", keyMaterial: { [SIG_KEY]: SECRET_SIG, value: "<placeholder>" }, version: "5.2.0" });
});

test("located at the package's first key in the stack config file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wi-dp-"));
    try {
        const file = path.join(dir, "Pulumi.s.yaml");
        fs.writeFileSync(file, "config:\n  p:other: y\n  docker:host: tcp://h:2376\n");
        expect(defaultProviderLocation(file, "docker")).toEqual({ file, line: 3, column: 3 });
        expect(defaultProviderLocation(file, "random")).toEqual({ file, line: 1, column: 1 });
        expect(defaultProviderLocation(path.join(dir, "missing.yaml"), "docker")).toBeUndefined();
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
