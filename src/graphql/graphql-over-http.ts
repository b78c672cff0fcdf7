import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * Errors that stop a request before execution: the document does not parse
 * or validate, or the variables do not coerce. Apollo answers them 400.
 */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * The GraphQL-over-HTTP status rule for `application/json` responses: a
 * well-formed request whose document fails to parse or validate, or whose
 * variables fail to coerce, is answered 200 with `errors` (the spec's
 * "legacy" media type, which any client reads), while a client that accepts
 * `application/graphql-response+json` still gets 4xx as Apollo sends it.
 * Apollo chooses the media type by the same negotiation (ties go to
 * `application/json`).
 */
export function graphqlOverHttpPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }) {
          if (response.http.status !== 400 || !errors?.length || response.body.kind !== 'single') return;
          if (response.body.singleResult.data !== undefined) return;
          if (!errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) return;
          const accept = request.http?.headers.get('accept');
          const mediaType = accept ? new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) : APPLICATION_JSON;
          if (mediaType === APPLICATION_JSON) response.http.status = 200;
        },
      };
    },
  };
}
