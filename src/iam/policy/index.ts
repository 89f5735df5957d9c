/** @module iam/policy — RAM policy documents, their evaluation, and the FC operation → action table. */
export {
  CONDITION_OPERATORS, MAX_POLICY_DOCUMENT_CHARS, MAX_POLICY_STATEMENTS, isConditionOperator, isInIpBlock, parseBoolValue,
  parseIpBlock, parseIsoTime, parseNumericValue, parsePolicyDocument,
  type ConditionOperator, type ConditionOperatorInfo, type ConditionValue, type ConditionValueKind, type IpBlock, type PatternSet,
  type PolicyCondition, type PolicyDocument, type PolicyEffect, type PolicyStatement,
} from './policy-document.js';
export {
  CONDITION_KEYS, createRequestConditions, evaluate, matchesWildcard,
  type AuthorizationRequest, type MatchedStatement, type PolicyDecision, type PolicyEvaluation, type RequestConditions,
  type RequestConditionsInput,
} from './evaluate.js';
export {
  FC_OPERATIONS, fcActionFor, fcOperation, placeholders,
  type FcActionBasis, type FcActionTarget, type FcAuthorizedOperation, type FcOperationEntry, type FcPublicOperation, type FcResourceParams,
} from './fc-actions.js';
export { FC2_OPERATIONS, FC2_OPERATION_PREFIX, fc2ActionFor, fc2Operation, type Fc2AuthorizedOperation, type Fc2ResourceParams } from './fc2-actions.js';
