import { HostAccessFacts, hostAccessProblems } from "../../../rules/policies/untrustedNoHostAccess";
import { UNKNOWN_UNTIL_DEPLOY } from "../../../rules/policies/unknownValues";

const mounts = (value: unknown): HostAccessFacts => ({ mounts: { field: "mounts", value } });
const pipe = { type: "npipe", source: "\\\\.\\pipe\\docker_engine", target: "\\\\.\\pipe\\docker_engine" };

describe("hostAccessProblems", () => {
    test.each<[string, HostAccessFacts, (string | RegExp)[]]>([
        ["no mounts, volumes or devices", {}, []],
        ["the engine's pipe", mounts([pipe]), [/^mounts\[0\] type "npipe" source "\\\\\\\\.\\\\pipe\\\\docker_engine" hands a host named pipe.*untrusted-no-host-access.*remove it/]],
        ["npipe in capitals is a pipe (Docker's CLI lower-cases the type)", mounts([{ ...pipe, type: "NPIPE" }]), [/type "NPIPE" .* hands a host named pipe/]],
        ["a bind of a host path", mounts([{ type: "bind", source: "C:\\ProgramData\\docker\\certs.d", target: "C:\\certs" }]), [/^mounts\[0\] type "bind" source "C:\\\\ProgramData.*binds a host path/]],
        ["a named volume and a tmpfs: fine", mounts([{ type: "volume", source: "data", target: "C:\\data" }, { type: "Tmpfs", target: "/tmp" }]), []],
        ["an anonymous volume: fine", mounts([{ type: "volume", target: "C:\\data" }]), []],
        ["a volume whose source is a path", mounts([{ type: "volume", source: "C:\\", target: "C:\\host" }]), [/is not a volume name/]],
        ["a mount type the rule does not know (cluster)", mounts([{ type: "cluster", source: "csi", target: "C:\\c" }]), [/is not a mount type this rule knows keeps the host out/]],
        ["a mount without a type", mounts([{ source: "x", target: "C:\\x" }]), [/type undefined .*is not a mount type this rule knows/]],
        ["the mounts list unknown until deploy", mounts(UNKNOWN_UNTIL_DEPLOY), [/^mounts is not known until deploy/]],
        ["one mount unknown until deploy", mounts([UNKNOWN_UNTIL_DEPLOY]), [/^mounts\[0\] \(not known until deploy\)/]],
        ["a mount type unknown until deploy", mounts([{ type: UNKNOWN_UNTIL_DEPLOY, source: "x", target: "y" }]), [/^mounts\[0\].type is not known until deploy, so it may be 'npipe' or 'bind'/]],
        ["a volume source unknown until deploy", mounts([{ type: "volume", source: UNKNOWN_UNTIL_DEPLOY, target: "y" }]), [/^mounts\[0\].source is not known until deploy/]],
        ["Container volumes: hostPath is a bind", { volumes: { field: "volumes", value: [{ hostPath: "//./pipe/docker_engine/", containerPath: "//./pipe/docker_engine/" }] } }, [/^volumes\[0\].hostPath "\/\/.\/pipe\/docker_engine\/" binds a host path/]],
        ["Container volumes: volumeName and fromContainer are fine", { volumes: { field: "volumes", value: [{ volumeName: "cache", containerPath: "C:\\cache" }, { fromContainer: "seed" }] } }, []],
        ["Container volumes: a volumeName that is a path is a bind source", { volumes: { field: "volumes", value: [{ volumeName: "C:\\ProgramData\\docker", containerPath: "C:\\d" }] } }, [/^volumes\[0\].volumeName .* is not a volume name/]],
        ["Container volumes: a volumeName unknown until deploy", { volumes: { field: "volumes", value: [{ volumeName: UNKNOWN_UNTIL_DEPLOY, containerPath: "C:\\d" }] } }, [/volumeName is not known until deploy/]],
        ["Container devices: any host device", { devices: { field: "devices", value: [{ hostPath: "class/5B45201D-F2F2-4F3B-85BB-30FF1F953599" }] } }, [/^devices\[0\].hostPath "class\/5B45201D.*hands a host device/]],
        ["a service's gMSA credential spec (file)", { credentialSpec: { field: "taskSpec.containerSpec.privileges.credentialSpec", value: { file: "webapp01.json" } } }, [/^taskSpec.containerSpec.privileges.credentialSpec is set: the workload acts on the network as the host's group managed service account \(gMSA\)/]],
        ["a service's gMSA credential spec (registry)", { credentialSpec: { field: "c", value: { registry: "webapp01" } } }, [/^c is set: .*gMSA/]],
        ["an empty credential spec: nothing to hand over", { credentialSpec: { field: "c", value: { file: "", registry: undefined } } }, []],
        ["a credential spec unknown until deploy", { credentialSpec: { field: "c", value: UNKNOWN_UNTIL_DEPLOY } }, [/^c is not known until deploy, so the plan cannot show it names no gMSA/]],
        ["a credential spec field unknown until deploy", { credentialSpec: { field: "c", value: { file: UNKNOWN_UNTIL_DEPLOY } } }, [/^c is set/]],
        ["a Container's securityOpts credentialspec", { securityOpts: { field: "securityOpts", value: ["no-new-privileges", "CredentialSpec=file://webapp01.json"] } }, [/^securityOpts\[1\] sets a credentialspec: .*gMSA/]],
        ["a Container's securityOpts entry unknown until deploy", { securityOpts: { field: "securityOpts", value: [UNKNOWN_UNTIL_DEPLOY] } }, [/^securityOpts\[0\] is not known until deploy, so it may be a gMSA credential spec/]],
        ["a service port published in host mode", { publishedPorts: { field: "endpointSpec.ports", value: [{ targetPort: 80, publishedPort: 8080 }, { targetPort: 443, publishedPort: 443, publishMode: "host" }] } }, [/^endpointSpec.ports\[1\].publishMode 'host' binds the port on the host's own interfaces/]],
        ["a port publish mode unknown until deploy", { publishedPorts: { field: "p", value: [{ targetPort: 80, publishMode: UNKNOWN_UNTIL_DEPLOY }] } }, [/^p\[0\].publishMode is not known until deploy, so it may be 'host'/]],
        ["ingress ports: fine", { publishedPorts: { field: "p", value: [{ targetPort: 80, publishMode: "ingress" }, { targetPort: 81 }] } }, []],
        ["every finding of one workload, in field order", { ...mounts([pipe]), devices: { field: "devices", value: [{ hostPath: "/dev/x" }] } }, [/^mounts\[0\]/, /^devices\[0\]/]],
    ])("untrusted: %s", (_name, facts, expected) => {
        expect(hostAccessProblems("untrusted", facts)).toEqual(expected.map((e) => expect.stringMatching(e)));
    });

    test("a trusted workload may hold the engine's pipe (by design: it is trusted with the host)", () => {
        expect(hostAccessProblems("trusted", { ...mounts([pipe]), devices: { field: "devices", value: [{ hostPath: "/dev/x" }] } })).toEqual([]);
        expect(hostAccessProblems("trusted", { credentialSpec: { field: "c", value: { file: "a.json" } }, publishedPorts: { field: "p", value: [{ publishMode: "host" }] } })).toEqual([]);
    });
});
