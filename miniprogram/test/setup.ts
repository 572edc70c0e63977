import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { platform } from '../src/platform';
import { setApi } from '../src/services/api';
import { setElderlyStore } from '../src/stores/elderly';
import { taroStub } from './taro-stub';

beforeEach(() => {
  taroStub.reset();
  setElderlyStore(platform.storage);
});

afterEach(() => {
  cleanup();
  setApi(undefined);
});
