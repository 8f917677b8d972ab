export * from './types';
export { validateDefinition, MAX_INDEX_NAME_BYTES } from './validation';
export { MAX_COMPOUND_FIELDS } from './validation-keys';
export {
  INDEX_OPTIONS,
  LIST_INDEXES_NOISE,
  SIGNATURE_OPTIONS,
  TTL_MAX_SECONDS,
  optionOfMongoName,
  type IndexOption,
  type IndexOptionName,
  type IndexOptionRow,
  type OptionIdentity,
  type OptionKind,
  type OptionValues,
} from './index-options';
export { validateCollectionDefinitions, MAX_INDEXES_PER_COLLECTION } from './collection-validation';
export { defaultIndexName, indexNameOf, isIdIndexKey, isIdIndexPattern, ID_INDEX_NAME } from './naming';
export { MAX_KEY_PATTERN_BYTES } from './key-pattern';
export { canonicalFromDefinition, canonicalFromListIndexes, TEXT_PLACEHOLDER } from './normalize';
export { keySignature, KEY_SIGNATURE_VERSION, keyPatternOf, sameIndex, differingOptions, IDENTITY_OPTIONS } from './signature';
export { toMongoIndexSpec, definitionFromListIndexes, unrepresentableOptions } from './mongo-spec';
export { planImport, type ImportDecision } from './import-plan';
export { withCollectionCollation } from './collection-collation';
export { collationDefaults, BASE_COLLATION_DEFAULTS, type CollationSettings } from './collation';
export { stableStringify, orderedStringify, fnv1a64 } from './stable-json';
export { asNumber } from './numbers';
export { diffCollection, diffDesired, desiredIndexOf, realIndexOf } from './diff';
export type { CollectionDiff, DesiredIndex, RealIndex, MatchedIndex, DifferentIndex } from './diff';
export { planCollection, buildPlan } from './plan';
export { TEMPORARY_SUFFIX } from './plan-rebuild';
export type { OperationKind, PlanOperation, PlanOptions, Plan, IndexChanges } from './plan-types';
export {
  renderScript,
  renderCreateAllScript,
  DEFAULT_SCRIPT_SETTINGS,
  type RenderedScript,
  type ScriptDatabase,
  type ScriptInput,
  type ScriptSettings,
} from './script';
export type { ScriptPlanSummary } from './script-steps';
export {
  CAPABILITIES,
  describeServer,
  featuresOf,
  featuresOfSpec,
  lacks,
  refusalOf,
  versionOf,
  type CapabilityRow,
  type Feature,
  type ServerKind,
  type TargetCapabilities,
  type TargetServer,
} from './capabilities';
export { markUnsupported } from './capabilities-plan';
export {
  NEWEST_RULES,
  rulesAtLeast,
  rulesOf,
  ruleContextOf,
  requiresVersionMessage,
  describeRuleVersion,
  type RuleContext,
  type RuleVersion,
} from './rule-version';
