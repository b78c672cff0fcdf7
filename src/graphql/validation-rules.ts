import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '../common/errors';

/** Root fields that may appear at most once in an operation: each `login` costs a memory-hard hash. */
const ONCE_PER_OPERATION: ReadonlySet<string> = new Set(['login']);

/**
 * Refuses an operation that calls `login` more than once (aliases, fragments):
 * 100 aliased logins in one request would otherwise run 100 scrypt hashes and
 * slip past the per-request view of the login limits.
 */
export function LoginOncePerOperationRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const count = (selectionSet: SelectionSetNode, seen: Set<string>, counts: Map<string, number>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (ONCE_PER_OPERATION.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count(selection.selectionSet, seen, counts);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice counts twice; a cycle is graphql-js's own error (NoFragmentCycles).
        if (fragment && !seen.has(fragment.name.value)) count(fragment.selectionSet, new Set([...seen, fragment.name.value]), counts);
      }
    }
  };
  return {
    OperationDefinition(node) {
      if (node.operation !== 'mutation') return;
      const counts = new Map<string, number>();
      count(node.selectionSet, new Set(), counts);
      for (const [name, times] of counts) {
        if (times > 1) {
          context.reportError(
            new GraphQLError(`at most one ${name} per operation; this one has ${times}`, {
              nodes: [node],
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
          );
        }
      }
    },
  };
}

/** Sitrep's validation rules beyond graphql-js's own, for HTTP and graphql-ws alike. */
export function extraValidationRules(options: { introspection: boolean }): ValidationRule[] {
  return [LoginOncePerOperationRule, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}

/** graphql-js `validate` with the extra rules, for graphql-ws (Apollo takes `validationRules` itself). */
export function validateWith(rules: readonly ValidationRule[]): typeof validate {
  return (schema: GraphQLSchema, document, given = specifiedRules, ...rest) => validate(schema, document, [...given, ...rules], ...rest);
}

/** graphql-js's "Did you mean …?" hints name fields and types: off with introspection. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean(.+)\?$/, '');
}
