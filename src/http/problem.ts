import type { FastifyReply, FastifyRequest } from 'fastify';

/** An RFC 9457 problem document. `code` is Bastion's stable machine-readable code. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

export function problemType(code: string): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Omit<Problem, 'type' | 'instance' | 'requestId'>,
): FastifyReply {
  const body: Problem = {
    type: problemType(problem.code),
    ...problem,
    instance: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
  };
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}
