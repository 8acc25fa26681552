import type { RoutingConfig } from '@switchyard/config';
import type { FastifyReply } from 'fastify';
import { frameworkErrorToSwitchyard } from '../errors/fastify-error-to-switchyard';
import { sendHttpError } from '../errors/send-http-error';

type GatewaySettings = RoutingConfig['gateway'];

/** How much longer than the longest wait for an answer a connection may go without traffic, by default. */
const IDLE_MARGIN_MS = 30_000;

/** The idle timeout in force: the configured one, or one no sync wait can reach. */
export function idleTimeoutOf(gateway: GatewaySettings): number {
  return gateway.idleTimeoutMs ?? gateway.requestTimeoutMs + IDLE_MARGIN_MS;
}

/**
 * The HTTP server's limits, from the routing file's `gateway:` section: a
 * connection that sends nothing, stalls in its headers or body, or idles
 * between requests is closed, so idle sockets cannot pile up. None of them
 * bounds a response: a long stream is cut only by `idleTimeoutMs` of silence,
 * which its heartbeats prevent.
 */
export function serverOptions(gateway: GatewaySettings) {
  return {
    bodyLimit: gateway.maxBodyBytes,
    // The router refuses some paths before any route or hook runs; they get the same OpenAI error body as the rest.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => sendHttpError(reply, frameworkErrorToSwitchyard(error)),
    keepAliveTimeout: gateway.keepAliveTimeoutMs,
    requestTimeout: gateway.receiveTimeoutMs,
    connectionTimeout: idleTimeoutOf(gateway),
    http: {
      headersTimeout: gateway.headersTimeoutMs,
      requestTimeout: gateway.receiveTimeoutMs,
      // How often Node looks for expired headers and requests: by default 30 s, coarser than the timeouts themselves.
      connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(gateway.headersTimeoutMs / 4))),
    },
  };
}
