import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ProviderKind } from '@switchyard/contracts';
import { ATTR_SWITCHYARD_PROVIDER, type Attributes } from '@switchyard/observability';
import { upstreamBaseUrl } from '@switchyard/providers';

/** Who a provider call goes to, as GenAI spans and metrics name it. */
export interface UpstreamIdentity {
  /** The routing file's provider name. */
  provider: string;
  /** `gen_ai.provider.name`: the conventions' well-known value for the kind, or the kind itself. */
  genAiProvider: string;
  serverAddress?: string;
  serverPort?: number;
}

/** The kinds the GenAI conventions name; the others (local servers, any OpenAI-compatible host) keep their kind's name. */
const WELL_KNOWN_PROVIDER: Partial<Readonly<Record<ProviderKind, string>>> = {
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  groq: GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  gemini: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
};

export function genAiProviderName(kind: ProviderKind): string {
  return WELL_KNOWN_PROVIDER[kind] ?? kind;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** A configured provider's identity: its kind's GenAI name and the host and port its adapter calls. */
export function upstreamIdentity(settings: { name: string; kind: ProviderKind; baseUrl?: string }): UpstreamIdentity {
  const identity: UpstreamIdentity = { provider: settings.name, genAiProvider: genAiProviderName(settings.kind) };
  const baseUrl = upstreamBaseUrl(settings);
  if (baseUrl === undefined) return identity;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return identity;
  }
  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  // `URL` keeps an IPv6 host in brackets; `server.address` is the bare address.
  identity.serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (port !== undefined) identity.serverPort = port;
  return identity;
}

/** The identity of a provider no routing entry describes (a worker's tests): its name stands for its kind. */
export function namedOnly(provider: string): UpstreamIdentity {
  return { provider, genAiProvider: provider };
}

/** The identity as span attributes. */
export function upstreamAttributes(upstream: UpstreamIdentity): Attributes {
  const attributes: Attributes = { [ATTR_GEN_AI_PROVIDER_NAME]: upstream.genAiProvider, [ATTR_SWITCHYARD_PROVIDER]: upstream.provider };
  if (upstream.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = upstream.serverAddress;
  if (upstream.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = upstream.serverPort;
  return attributes;
}
