import { InputError, toError } from '../../core/errors';
import { BatchInputError } from './batch';
import { text } from './i18n';

/**
 * The message of a bad-input error in the user's language: an InputError with a reason code is
 * said from node `type`'s catalog (inputError.<code>, with its parameters; a batch's first bad
 * element said the same way); anything else as it was thrown. In English both read exactly as
 * the error's own message.
 */
export function inputErrorText(type: string, err: unknown): string {
  if (err instanceof InputError && err.code) {
    const params = err instanceof BatchInputError && err.first ? { ...err.params, first: inputErrorText(type, err.first) } : err.params;
    const key = `inputError.${err.code}`;
    const said = text(type, key, params);
    if (said !== `${type}.${key}`) return said;
  }
  return toError(err).message;
}

/**
 * The error to hand to done(err) or node.error for bad input, in the user's language: the same
 * error (class, property, code, counted elements) with its message said by inputErrorText; the
 * error itself when that reads the same.
 */
export function localInputError(type: string, err: unknown): Error {
  const error = toError(err);
  const message = inputErrorText(type, error);
  if (message === error.message) return error;
  const said = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error);
  said.message = message;
  said.stack = error.stack;
  return said;
}
