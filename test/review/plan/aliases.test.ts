/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf messages have no TypeScript types */
/** The alias URNs the plan records, from pulumirpc.Alias messages as the Node SDK sends them (runtime/resource.js mapAliasesForRequest). */
import { aliasUrns, AliasContext, canonicalUrn, planUrn } from "../../../review/plan/aliases";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliasProto = require("@pulumi/pulumi/proto/alias_pb");

const ROOT = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev";
const SERVICE = "docker:index/service:Service";
const COMPONENT = "windows-isolation:index:WindowsContainer";

function spec(fields: { name?: string; type?: string; stack?: string; project?: string; parentUrn?: string; noParent?: boolean }): any {
    const s = new aliasProto.Alias.Spec();
    s.setName(fields.name ?? "");
    s.setType(fields.type ?? "");
    s.setStack(fields.stack ?? "");
    s.setProject(fields.project ?? "");
    if (fields.noParent) s.setNoparent(true);
    else if (fields.parentUrn) s.setParenturn(fields.parentUrn);
    return new aliasProto.Alias().setSpec(s);
}
const byUrn = (urn: string): any => new aliasProto.Alias().setUrn(urn);

const ctx = (parentAliases: Record<string, string[]> = {}): AliasContext => ({ stack: "dev", project: "demo", rootUrn: ROOT, aliasesOf: (u) => parentAliases[u] ?? [] });
const resource = (name: string, type = SERVICE, parent = ROOT) => ({ urn: planUrn("dev", "demo", parent, type, name), type, name, parent });

test("a spec fills its blanks from the resource (name, type, parent) and the deployment (stack, project)", () => {
    expect(aliasUrns([spec({ name: "web", parentUrn: ROOT })], resource("frontend"), ctx())).toEqual([planUrn("dev", "demo", ROOT, SERVICE, "web")]);
    expect(aliasUrns([spec({ type: "docker:index/container:Container", stack: "old", project: "legacy" })], resource("web"), ctx())).toEqual([
        "urn:pulumi:old::legacy::pulumi:pulumi:Stack$docker:index/container:Container::web",
    ]);
});

test("a URN alias is taken as it is; noParent names a top-level resource (parented to the stack, as the plan records it)", () => {
    const parent = planUrn("dev", "demo", ROOT, COMPONENT, "web");
    const child = resource("web-service", SERVICE, parent);
    expect(aliasUrns([byUrn("urn:pulumi:dev::demo::docker:index/service:Service::old")], child, ctx())).toEqual(["urn:pulumi:dev::demo::docker:index/service:Service::old"]);
    expect(aliasUrns([spec({ noParent: true })], child, ctx())).toEqual([planUrn("dev", "demo", ROOT, SERVICE, "web-service")]);
});

test("a child inherits its parent's aliases (a retyped parent moves its children's URNs); its own URN is never its alias", () => {
    const parent = planUrn("dev", "demo", ROOT, COMPONENT, "web");
    const oldParent = planUrn("dev", "demo", ROOT, "acme:index:Site", "web");
    const child = resource("web-service", SERVICE, parent);
    expect(aliasUrns([], child, ctx({ [parent]: [oldParent] }))).toEqual([planUrn("dev", "demo", oldParent, SERVICE, "web-service")]);
    expect(aliasUrns([spec({ name: "svc", parentUrn: parent })], child, ctx({ [parent]: [oldParent] }))).toEqual([
        planUrn("dev", "demo", parent, SERVICE, "svc"),
        planUrn("dev", "demo", oldParent, SERVICE, "web-service"),
        planUrn("dev", "demo", oldParent, SERVICE, "svc"),
    ]);
    // A renamed parent of the same type: the child's URN (which names the parent's type only) stays.
    expect(aliasUrns([], child, ctx({ [parent]: [planUrn("dev", "demo", ROOT, COMPONENT, "old-web")] }))).toEqual([]);
});

test("canonicalUrn drops the root stack's qualification the plan gives top-level types, and nothing else", () => {
    expect(canonicalUrn(planUrn("dev", "demo", ROOT, SERVICE, "a::b"))).toBe("urn:pulumi:dev::demo::docker:index/service:Service::a::b");
    const nested = planUrn("dev", "demo", planUrn("dev", "demo", ROOT, COMPONENT, "web"), SERVICE, "s");
    expect(canonicalUrn(nested)).toBe(nested);
});
