/** The oldest Node.js every dependency accepts; `engines` in package.json says the same. */
export declare const MINIMUM: string;
/** The message to print when `version` is older than {@link MINIMUM}, else `undefined`. */
export declare function nodeVersionProblem(version: string): string | undefined;
