/** @module vpc — VPCs: address blocks owned by one account, with a bridge per node. */
export { createVpcService, type VpcService, type VpcView } from './vpc-service.js';
export { overlaps, parseCidr, type Cidr } from './cidr.js';
