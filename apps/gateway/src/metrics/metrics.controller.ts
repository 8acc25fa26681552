import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METRICS } from '../tokens';
import { clusterMetrics, inGatewayCluster } from './cluster-metrics';
import type { GatewayMetrics } from './gateway-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: GatewayMetrics) {}

  /** With several gateway processes, any of them answers for all (summed), not just for itself. */
  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const text = inGatewayCluster() ? await clusterMetrics() : await this.metrics.registry.metrics();
    reply.header('content-type', this.metrics.registry.contentType).send(text);
  }
}
