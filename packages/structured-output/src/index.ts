export { instructionsFor, prepareStructuredRequest, SCHEMA_MARKER, toolNameOf } from './prepare-structured-request';
export { MAX_QUOTED_ANSWER_CHARS, reaskRequest } from './reask-request';
export { answerTextOf, withStructuredAnswer } from './structured-answer';
export {
  assertUsableSchema,
  StructuredAnswerChecker,
  type StructuredAnswerCheckerOptions,
  type StructuredCheck,
} from './structured-answer-checker';
export { type StructuredMode, structuredModeFor } from './structured-mode';
export { ANY_OBJECT_SCHEMA, effectiveSchemaOf, type StructuredSpec, structuredSpecOf } from './structured-spec';
export { MAX_ERROR_LINE_LENGTH, MAX_ERROR_LINES } from './validation-errors';
