/** ExistingDockerHost's check returns { field, message } lists; the joined messages are what users see. */
import { checkExistingDockerHostArgs, validateExistingDockerHostArgs } from "../../../components/host/existingDockerHost";

test("ExistingDockerHost: fields of the endpoint, the build and the swarm options", () => {
    const problems = checkExistingDockerHostArgs({ endpoint: "http://h:2375", osBuild: 14393, hypervCapable: true, hypervOverheadMb: -1 });
    expect(problems.map((p) => p.field)).toEqual(["endpoint", "osBuild", "hypervOverheadMb", "hypervOverheadMb"]);
    expect(validateExistingDockerHostArgs({ endpoint: "http://h:2375", osBuild: 14393, hypervCapable: true, hypervOverheadMb: -1 })).toEqual(problems.map((p) => p.message));
});
