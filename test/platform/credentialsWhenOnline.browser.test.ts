import { credentialsWhenOnline } from '../../src/platform/credentialsWhenOnline.browser.js';
import { testPage } from './pageEnvironment.js';

describe('the browser build’s credentials provider while offline', () => {
  const credentials = { accessKeyId: 'id', secretAccessKey: 'key' };

  it('asks the provider at once while online', async () => {
    const { page } = testPage();
    const provider = jest.fn(() => Promise.resolve(credentials));
    const online = credentialsWhenOnline(provider, 60_000, page);
    await expect(online.provider()).resolves.toBe(credentials);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('while offline, asks it on the online event, or after the wait, and stops listening', async () => {
    const { page, window, navigator } = testPage();
    navigator.onLine = false;
    const provider = jest.fn(() => Promise.resolve(credentials));
    const online = credentialsWhenOnline(provider, 200, page);
    const first = online.provider();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(provider).not.toHaveBeenCalled();
    window.dispatch('online');
    await expect(first).resolves.toBe(credentials);
    expect(window.count('online')).toBe(0);
    // Still offline: the wait ends at its limit, and the provider is asked (and may fail).
    await expect(online.provider()).resolves.toBe(credentials);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(window.count('online')).toBe(0);
  });

  it('cancel() rejects the calls still waiting, without asking the provider or leaving a listener', async () => {
    const { page, window, navigator } = testPage();
    navigator.onLine = false;
    const provider = jest.fn(() => Promise.resolve(credentials));
    const online = credentialsWhenOnline(provider, 600_000, page);
    const waiting = online.provider();
    online.cancel();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(provider).not.toHaveBeenCalled();
    expect(window.count('online')).toBe(0);
  });
});
