import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

/**
 * Request validation with TypeBox's compiled checkers. Bodies are checked exactly as sent: no type
 * coercion and no silent removal of unknown fields, so `"qty": "2"` or an extra `role` is a 400.
 * Query strings, params and headers arrive as text, so there defaults are applied and numbers converted.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = Compile(schema);
  if (httpPart === 'body') {
    return (value: unknown) => (checker.Check(value) ? { value } : { error: checker.Errors(value) as never });
  }
  return (value: unknown) => {
    const prepared = Value.Convert(schema, Value.Default(schema, Value.Clone(value)));
    return checker.Check(prepared) ? { value: prepared } : { error: checker.Errors(prepared) as never };
  };
};
