/**
 * @module iam/policy/engine
 * The policy language behind iam/authorize's PolicyEngine: RAM documents parsed by
 * policy-document, requests evaluated by evaluate. Parse errors name the field they came from.
 */
import { PlatformError, invalidArgument } from '../../errors/index.js';
import type { PolicyEngine } from '../authorize.js';
import { evaluate } from './evaluate.js';
import { parsePolicyDocument, type PolicyDocument } from './policy-document.js';

export function createPolicyEngine(): PolicyEngine<PolicyDocument> {
  return {
    parse(document, field) {
      try {
        return parsePolicyDocument(document);
      } catch (e: unknown) {
        if (e instanceof PlatformError) throw invalidArgument(`${field}: ${e.message}`);
        throw e;
      }
    },
    evaluate: (policies, request) => evaluate(policies, { action: request.action, resource: request.resource, context: request.conditions }).decision,
  };
}
