/**
 * @module store/vpc-binding-types
 * The VPC-binding part of the MetadataStore. A **VPC binding** ties a function to one VPC of its
 * account: a function with at least one binding accepts invocations only through the openfc
 * endpoint of a bound VPC (see src/vpc/vpc-bindings.ts). Bindings go with their function.
 */

export interface VpcBindingStore {
  /** Binds the function to the VPC; false when the binding already existed. The function and VPC must exist. */
  putVpcBinding(accountId: string, functionName: string, vpcId: string, createdTime: string): boolean;
  /** The VPC ids the function is bound to, in id order (empty: no bindings). */
  listVpcBindings(accountId: string, functionName: string): string[];
  /** Returns false when there was nothing to delete. */
  deleteVpcBinding(accountId: string, functionName: string, vpcId: string): boolean;
  /** Names of the functions bound to a VPC, in name order. */
  functionsBoundToVpc(vpcId: string): string[];
}
