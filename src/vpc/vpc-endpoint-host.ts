/**
 * @module vpc/vpc-endpoint-host
 * What the VPC service needs from whoever listens for openfc's endpoint inside a VPC (the API's
 * VPC endpoint listeners): a listener on the VPC's gateway address, opened and closed with the VPC.
 */

export interface VpcEndpointHost {
  /** False when endpoints are disabled (`vpcEndpointPort` -1). */
  readonly isEnabled: boolean;
  /** Listens for the VPC on `address` (idempotent) and resolves to the bound port. */
  open(vpcId: string, address: string): Promise<number>;
  /** Stops listening for the VPC (nothing when it was not listening). */
  close(vpcId: string): Promise<void>;
}
