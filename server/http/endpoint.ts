import type { Request, RequestHandler, Response } from 'express';
import { z, type ZodType } from 'zod';
import { can, type Ability } from '../auth/policies.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import type { User } from '../db/schema.ts';

interface EndpointSchemas<B, Q, P> {
  body?: ZodType<B>;
  query?: ZodType<Q>;
  params?: ZodType<P>;
}

interface EndpointInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

/**
 * Every endpoint reads the same way: require the ability → validate input (400 "field: message") → handler.
 * The handler returns the response body (sent as JSON), or undefined when it wrote the response itself.
 */
export function endpoint<B = unknown, Q = unknown, P = unknown>(
  ability: Ability | 'public',
  schemas: EndpointSchemas<B, Q, P>,
  handler: (input: EndpointInput<B, Q, P> & { user: User }) => Promise<unknown> | unknown,
): Endpoint {
  const run: RequestHandler = async (req, res, next) => {
    try {
      if (ability !== 'public') {
        if (!req.user) throw unauthenticated();
        // In a project (see auth/project-scope.ts), the effective role there decides.
        if (!can(req.user, ability, req.projectAccess)) throw forbidden(`Your role may not ${ability}${req.projectAccess ? ' in this project' : ''}`);
      }
      const input = {
        body: (schemas.body ? schemas.body.parse(req.body ?? {}) : req.body) as B,
        query: (schemas.query ? schemas.query.parse(req.query) : req.query) as Q,
        params: (schemas.params ? schemas.params.parse(req.params) : req.params) as P,
        req,
        res,
        user: req.user as User,
      };
      const result = await handler(input);
      if (result !== undefined && !res.headersSent) res.json(result);
    } catch (error) {
      next(error);
    }
  };
  return Object.assign(run, { ability });
}

/** A request handler that declares the ability it requires, so tests can walk every route's rule. */
export type Endpoint = RequestHandler & { readonly ability: Ability | 'public' };

/** A positive integer id in a path parameter. */
export const idParam = z.coerce.number().int().positive();
