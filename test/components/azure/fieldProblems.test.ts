/**
 * The component checks return { field, message } lists: a pool places a host's problem by its
 * field, never by matching its text, and the joined messages are what users see.
 */
import { checkContainerHostArgs, validateContainerHostArgs } from "../../../components/azure/containerHostArgs";
import { checkContainerHostPoolArgs, ContainerHostPoolArgs, validateContainerHostPoolArgs } from "../../../components/azure/containerHostPoolArgs";

const pool: ContainerHostPoolArgs = { resourceGroupName: "rg-pool", location: "westeurope", count: 3, windowsVersion: "ltsc2022" };

test("ContainerHost: each problem names its field; the size check and the security type are told apart", () => {
    const problems = checkContainerHostArgs({ resourceGroupName: "", windowsVersion: "ltsc2019" as never, vmSize: "Standard_D4as_v4", securityType: "TrustedLaunch", zone: "7" });
    expect(problems.map((p) => p.field)).toEqual(["resourceGroupName", "windowsVersion", "vmSize", "securityType", "zone"]);
    expect(validateContainerHostArgs({ resourceGroupName: "", windowsVersion: "ltsc2022" })).toEqual(["resourceGroupName is required: the resource group that holds the host"]);
});

test("a pool's hosts: per-host fields are placed under hosts[i], pool-wide ones are not", () => {
    const problems = checkContainerHostPoolArgs({ ...pool, count: undefined, windowsVersion: undefined, securityType: "TrustedLaunch", hosts: [{ windowsVersion: "ltsc2022" }, { windowsVersion: "ltsc2022", vmSize: "Standard_D4as_v4" }] });
    expect(problems.map((p) => p.field)).toEqual(["securityType", "hosts[1].vmSize"]);
    expect(problems[1].message).toMatch(/^hosts\[1\]\.vmSize 'Standard_D4as_v4' is in series Dasv4/);
    expect(validateContainerHostPoolArgs({ ...pool, count: undefined, windowsVersion: undefined, hosts: [{ windowsVersion: "ltsc2022", vmSize: "Standard_D4as_v4" }] })).toEqual([problems[1].message.replace("hosts[1]", "hosts[0]")]);
});

test("a pool with count but no windowsVersion reports that once, not once more per host", () => {
    const problems = checkContainerHostPoolArgs({ ...pool, windowsVersion: undefined });
    expect(problems).toEqual([{ field: "windowsVersion", message: expect.stringMatching(/^windowsVersion is required with count/) }]);
});

test.each([5401, 5520, 299, 1800.5])("bootstrapTimeoutSeconds %j is refused, naming the 90-minute cap", (bootstrapTimeoutSeconds) => {
    expect(checkContainerHostArgs({ resourceGroupName: "rg", windowsVersion: "ltsc2022", bootstrapTimeoutSeconds })).toEqual([{
        field: "bootstrapTimeoutSeconds",
        message: `bootstrapTimeoutSeconds ${bootstrapTimeoutSeconds} must be a whole number from 300 to 5400: the cap is 90 minutes (Run Command's documented maximum); a bootstrap that needs longer is stuck, see the host's bootstrap log`,
    }]);
});

test("the cap itself is accepted, for a host and for every host of a pool", () => {
    expect(checkContainerHostArgs({ resourceGroupName: "rg", windowsVersion: "ltsc2022", bootstrapTimeoutSeconds: 5400 })).toEqual([]);
    expect(checkContainerHostPoolArgs({ ...pool, bootstrapTimeoutSeconds: 5400 })).toEqual([]);
    expect(checkContainerHostPoolArgs({ ...pool, bootstrapTimeoutSeconds: 5401 }).map((p) => p.field)).toEqual(["bootstrapTimeoutSeconds"]);
});
