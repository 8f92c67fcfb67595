import type { InputDefinition } from './types.js';

/** The inputs both subject commands share: the policy (holds, and erase's rule) and which subject. */
export const SUBJECT_INPUTS: InputDefinition[] = [
  {
    name: 'policy',
    description:
      "The data-retention policy file (docs/retention.md): its legal holds are checked first (a held subject is refused), and subject-erase applies the then of the table's soft-delete rule.",
    type: 'string',
    required: true,
  },
  {
    name: 'table',
    description:
      "The subject's table, e.g. users or public.users (it needs a primary key); on MongoDB its collection, e.g. users or app.users.",
    type: 'string',
    required: true,
  },
  {
    name: 'id',
    description:
      "The subject's primary key, e.g. 42; a composite key as row text, e.g. (42,7). On MongoDB its _id: 42 (the number or the string) or an ObjectId's 24 hex digits.",
    type: 'string',
    required: true,
  },
];
