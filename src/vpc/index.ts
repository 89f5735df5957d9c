/** @module vpc — VPCs: address blocks owned by one account, with a bridge per node, an openfc endpoint inside each, and VPC bindings. */
export { createVpcService, type VpcService, type VpcView } from './vpc-service.js';
export { overlaps, parseCidr, type Cidr } from './cidr.js';
export type { VpcEndpointHost } from './vpc-endpoint-host.js';
export { assertInvocationAllowed, createVpcBindingService, MAX_VPC_BINDINGS_PER_FUNCTION, type VpcBindingService } from './vpc-bindings.js';
