// `npm run build:guard`: the guard as ONE JavaScript file (build/guard/windows-isolation-guard.js)
// that a host runs with a bare `node`, no node_modules. A tiny CommonJS bundler over build/ (tsc's
// output): every module the guard reaches is wrapped in a function and required through a table;
// Node's built-in modules stay `require`s. Anything else (a package from node_modules) is an error:
// the guard must stay self-contained. Why not esbuild: it installs its binary through optional
// platform packages and an install script, which this project avoids; TypeScript's outFile cannot
// emit CommonJS. The output is deterministic (modules in a sorted order), so its SHA-256 can be pinned.
"use strict";
const fs = require("fs");
const path = require("path");
const { builtinModules } = require("module");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const built = path.join(root, "build");
const entry = path.join(built, "review", "guard", "main.js");
const out = path.join(built, "guard", "windows-isolation-guard.js");

const REQUIRE = /\brequire\("([^"]+)"\)/g;
const isBuiltin = (s) => s.startsWith("node:") || builtinModules.includes(s);

function resolveFrom(file, spec) {
    const base = path.resolve(path.dirname(file), spec);
    for (const candidate of [base, `${base}.js`, path.join(base, "index.js")]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    throw new Error(`bundleGuard: ${path.relative(root, file)} requires '${spec}', which is not in build/`);
}

function bundle() {
    if (!fs.existsSync(entry)) execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { stdio: "inherit" });
    const modules = new Map(); // file -> { source, deps: {spec: id} }
    const queue = [entry];
    while (queue.length > 0) {
        const file = queue.pop();
        if (modules.has(file)) continue;
        const source = fs.readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, "");
        const deps = {};
        for (const [, spec] of source.matchAll(REQUIRE)) {
            if (isBuiltin(spec)) continue;
            if (!spec.startsWith(".")) throw new Error(`bundleGuard: ${path.relative(root, file)} requires the package '${spec}'; the guard bundle takes Node's built-in modules only`);
            const dep = resolveFrom(file, spec);
            deps[spec] = path.relative(built, dep).split(path.sep).join("/");
            queue.push(dep);
        }
        modules.set(file, { source, deps });
    }
    const ids = [...modules.keys()].map((f) => path.relative(built, f).split(path.sep).join("/")).sort();
    const byId = new Map([...modules].map(([f, m]) => [path.relative(built, f).split(path.sep).join("/"), m]));
    const version = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
    const parts = [
        "#!/usr/bin/env node",
        `// windows-isolation ${version}: the guard (Docker authorization plugin), bundled by scripts/bundleGuard.js from build/.`,
        "// Usage: node windows-isolation-guard.js [guard] --listen <address> [--settings <file.json>] | [guard] spec --name <plugin> --listen <address>",
        '"use strict";',
        "const __defs = {",
        ...ids.map((id) => `${JSON.stringify(id)}: [${JSON.stringify(byId.get(id).deps)}, function (module, exports, require) {\n${byId.get(id).source}\n}],`),
        "};",
        "const __cache = {};",
        "function __load(id) {",
        "    if (__cache[id]) return __cache[id].exports;",
        "    const [deps, fn] = __defs[id];",
        "    const module = { exports: {} };",
        "    __cache[id] = module;",
        "    fn(module, module.exports, (spec) => (Object.prototype.hasOwnProperty.call(deps, spec) ? __load(deps[spec]) : require(spec)));",
        "    return module.exports;",
        "}",
        `const { main } = __load(${JSON.stringify(path.relative(built, entry).split(path.sep).join("/"))});`,
        "const argv = process.argv.slice(2);",
        "main(argv[0] === \"guard\" ? argv.slice(1) : argv).then((code) => process.stdout.write(\"\", () => process.exit(code)));",
        "",
    ];
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Written beside it, then renamed: ContainerHost reads this file (components/azure/guardBundle.ts),
    // also while a test or a build makes it again, and must never see half of it.
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, parts.join("\n"));
    fs.renameSync(tmp, out);
    return { out, modules: ids.length };
}

if (require.main === module) {
    const r = bundle();
    process.stdout.write(`${path.relative(root, r.out)}: ${r.modules} modules, ${fs.statSync(r.out).size} bytes\n`);
}
module.exports = { bundle, entry, out };
