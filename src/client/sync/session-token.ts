// The access token of the person unlocked on this tablet, for the pulls. No
// session is the same as an expired one to the engine: renew, or ask to sign in.
import type { Storage } from '../storage';
import { RequestError } from '../http/request';

export async function sessionToken(storage: Storage): Promise<string> {
  const session = await storage.device.session();
  if (!session) throw new RequestError('unauthorized');
  return session.token;
}
