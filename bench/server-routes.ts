// What bench/server.ts shares with the load generators (bench/load.ts, bench/profile-save.ts):
// the routes only the server registers, the session shapes it seeds and the save they send.
// The generators must not import the server's module: it would register the whole app in them.
export const noopRoute = "bench/noop";
export const saveShapedRoute = "bench/save-shaped";
export const cpuRoute = "bench/cpu";

/**
 * `typical`: one form, API.md's "Customer care" example (4 questions), the session the product's
 * own docs show. `large`: 5 forms × 40 questions, the size sessionDocBytes is specified for.
 */
export const sessionShapes = ["typical", "large"] as const;
export type SessionShape = (typeof sessionShapes)[number];

/** What a one-answer save needs: a question of the shape and two answers to toggle between. */
export interface SaveTarget {
  formId: string;
  questionId: string;
  answerIds: [string, string];
}

/**
 * The body of an autosave that changes one answer: what the load sends, and what the server
 * saves once to size the response the save-shaped no-op returns.
 */
export function oneAnswerSave(target: SaveTarget, answerId: string) {
  return { answers: { [target.formId]: { [target.questionId]: { answerIds: [answerId] } } } };
}
