/** The VNet and subnet a host (or pool) creates when the caller brings no subnet. */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";

/** Address space of the VNet a ContainerHost or ContainerHostPool creates when no subnetId is given. */
export const OWN_VNET_CIDR = "10.40.0.0/16";
export const OWN_SUBNET_CIDR = "10.40.0.0/24";

/** Creates `${name}-vnet` and `${name}-subnet` as children of `parent`; returns the subnet's id. */
export function createOwnSubnet(name: string, args: { resourceGroupName: pulumi.Input<string>; location?: pulumi.Input<string>; tags: Record<string, string> }, parent: pulumi.Resource): pulumi.Output<string> {
    const { resourceGroupName, location, tags } = args;
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        resourceGroupName, location, tags,
        addressSpace: { addressPrefixes: [OWN_VNET_CIDR] },
    }, { parent, ignoreChanges: ["subnets"] });
    // New VNets get private subnets by default; phase 2 must download the engine.
    const subnet = new network.Subnet(`${name}-subnet`, {
        resourceGroupName,
        virtualNetworkName: vnet.name,
        addressPrefix: OWN_SUBNET_CIDR,
        defaultOutboundAccess: true,
    }, { parent });
    return subnet.id;
}
