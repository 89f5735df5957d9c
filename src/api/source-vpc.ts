/**
 * @module api/source-vpc
 * Which VPC a request came through. A connection accepted by a VPC's openfc endpoint is tagged
 * with that VPC's id when it is accepted (api/vpc-endpoint-listeners); every request on it then
 * has that source VPC, which becomes `acs:SourceVpc` and is what VPC bindings check. The tag is
 * set by the listener only: no header or body can set or change it. Connections of the public
 * listeners carry no tag (undefined).
 */
import type { Socket } from 'node:net';

const SOURCE_VPC = Symbol('openfc.sourceVpc');

type Tagged = { [SOURCE_VPC]?: string };

/** Marks a connection as accepted by the endpoint of VPC `vpcId` (VPC endpoint listeners only). */
export function tagSourceVpc(socket: Socket, vpcId: string): void {
  (socket as Tagged)[SOURCE_VPC] = vpcId;
}

/** The VPC whose endpoint accepted this connection, or undefined for the public listeners. */
export function sourceVpcOf(socket: object): string | undefined {
  return (socket as Tagged)[SOURCE_VPC];
}
