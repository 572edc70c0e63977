import { bodyReader } from '../../core/transport/body-reader';
import { DingtalkTransportError } from '../errors';

/** Readers for success bodies: a missing required field is a {@link DingtalkTransportError} (bad answer). */
export const reader = (path: string) =>
  bodyReader(path, (p, message) => new DingtalkTransportError(p, message));
