import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** How deep and how wide one operation may select, introspection aside. */
export interface OperationLimits {
  /** Fields nested in fields: `{ items { id } }` is 2. */
  maxDepth: number;
  /** Fields selected in all, aliases and fragments expanded: each may cost a database query. */
  maxFields: number;
}

/**
 * Refuses an operation nested deeper or selecting more fields than `limits` allow, before it
 * runs (a validation rule: GRAPHQL_VALIDATION_FAILED, over HTTP and sockets alike). The
 * schema is shallow; the limits stop a document that repeats a costly field under a thousand
 * aliases or nests fragments. Introspection fields (`__schema`, `__type`) are not counted:
 * where introspection is allowed its own query is deep, and elsewhere it is refused anyway.
 */
export function operationLimits(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const size = { fields: 0 };
      const depth = measure(node.selectionSet, context, size, new Set());
      if (depth > limits.maxDepth || size.fields > limits.maxFields) {
        context.reportError(
          new GraphQLError(
            `The operation is ${depth} fields deep and selects ${size.fields} fields; the limits are ${limits.maxDepth} and ${limits.maxFields}`,
            { nodes: [node] },
          ),
        );
      }
    },
  });
}

/** The depth of `selections`, adding each field selected to `size`. */
function measure(
  selections: SelectionSetNode,
  context: ValidationContext,
  size: { fields: number },
  fragments: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      size.fields += 1;
      const below = selection.selectionSet
        ? measure(selection.selectionSet, context, size, fragments)
        : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, measure(selection.selectionSet, context, size, fragments));
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A cycle is NoFragmentCyclesRule's to report; an unknown fragment KnownFragmentNames'.
      if (!fragment || fragments.has(name)) continue;
      fragments.add(name);
      deepest = Math.max(deepest, measure(fragment.selectionSet, context, size, fragments));
      fragments.delete(name);
    }
  }
  return deepest;
}
