import {
  type ChatCompletion,
  type ChatCompletionRequest,
  type CompletionUsage,
  type LlmJobPayload,
  type StructuredOutcome,
  StructuredOutputInvalidError,
} from '@switchyard/contracts';
import type { ProviderAdapter } from '@switchyard/providers';
import {
  answerTextOf,
  prepareStructuredRequest,
  reaskRequest,
  StructuredAnswerChecker,
  type StructuredMode,
  type StructuredSpec,
  structuredModeFor,
  structuredSpecOf,
  withStructuredAnswer,
} from '@switchyard/structured-output';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import type { StructuredSpent } from './structured-spent';

/** Re-asks for a route whose config says nothing (or a worker given no config, as in tests). */
export const DEFAULT_REASKS = 2;

/** How one job asks its route for a structured answer. */
export interface StructuredPlan {
  spec: StructuredSpec;
  mode: StructuredMode;
  /** Times a bad answer is re-asked before the route counts as failed. */
  reasks: number;
}

export type StructuredResult =
  | ({ ok: true; completion: ChatCompletion } & StructuredSpent)
  /** `error`: a StructuredOutputInvalidError, or the provider failure that cut the re-asks short (their tokens were still spent). */
  | ({ ok: false; error: unknown } & StructuredSpent);

export interface StructuredCall {
  /** The plan for a job whose request has a JSON response_format; undefined for plain text. */
  planOf(payload: LlmJobPayload): StructuredPlan | undefined;
  /**
   * Asks for the answer, checks it against the schema, repairs its syntax,
   * re-asks with the errors quoted, up to the plan's bound. A provider
   * failure on any of the calls is thrown as it came.
   */
  generate(adapter: ProviderAdapter, payload: LlmJobPayload, plan: StructuredPlan, signal: AbortSignal): Promise<StructuredResult>;
}

function added(total: CompletionUsage, more: CompletionUsage): CompletionUsage {
  return {
    prompt_tokens: total.prompt_tokens + more.prompt_tokens,
    completion_tokens: total.completion_tokens + more.completion_tokens,
    total_tokens: total.total_tokens + more.total_tokens,
  };
}

/** A structured answer is one whole JSON text: the upstream call is a plain one even when the caller streams. */
function unstreamed(request: ChatCompletionRequest): ChatCompletionRequest {
  if (request.stream !== true && request.stream_options === undefined) return request;
  const { stream: _stream, stream_options: _options, ...rest } = request;
  return rest;
}

export function createStructuredCall(
  { structuredOf }: Pick<LlmJobProcessorDeps, 'structuredOf'>,
  recorder: Pick<OutcomeRecorder, 'countedUsage'>,
): StructuredCall {
  // One per worker: compiled schemas are kept across jobs, since the same few come again and again.
  const checker = new StructuredAnswerChecker();

  function planOf(payload: LlmJobPayload): StructuredPlan | undefined {
    const spec = structuredSpecOf(payload.request);
    if (spec === undefined) return undefined;
    const settings = structuredOf?.(payload.route);
    // Without the route's config the provider kind is unknown: its adapter's native field is the likeliest to work.
    const mode = settings === undefined ? 'native' : structuredModeFor(settings.providerKind, settings.mode);
    const reasks = payload.structured?.reasks ?? settings?.reasks ?? DEFAULT_REASKS;
    return { spec, mode, reasks };
  }

  async function generate(adapter: ProviderAdapter, payload: LlmJobPayload, plan: StructuredPlan, signal: AbortSignal): Promise<StructuredResult> {
    const { spec, mode } = plan;
    let request = prepareStructuredRequest(unstreamed(payload.request), spec, mode);
    let usage: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    let reasked = 0;
    for (;;) {
      let completion: ChatCompletion;
      try {
        completion = await adapter.generate({ model: payload.route.model, request, signal });
      } catch (error) {
        // A first call that fails spent nothing: it fails like any call. A re-ask that fails keeps the earlier calls' tokens on the row.
        if (reasked === 0 || signal.aborted) throw error;
        return { ok: false, error, usage, outcome: { mode, repairs: reasked, valid: false } };
      }
      usage = added(usage, completion.usage ?? recorder.countedUsage({ ...payload, request }, 0));
      const text = answerTextOf(completion, mode) ?? '';
      const check = checker.check(spec, text);
      if (check.valid) {
        const repairs = reasked + (check.repaired ? 1 : 0);
        const outcome: StructuredOutcome = { mode, repairs, valid: true };
        return { ok: true, completion: { ...withStructuredAnswer(completion, check.text, mode), usage }, usage, outcome };
      }
      if (reasked >= plan.reasks) {
        const error = new StructuredOutputInvalidError(check.errors, { reasks: reasked, provider: payload.route.provider, model: payload.route.model });
        return { ok: false, error, usage, outcome: { mode, repairs: reasked, valid: false } };
      }
      reasked++;
      request = reaskRequest(request, check.text, check.errors);
    }
  }

  return { planOf, generate };
}
