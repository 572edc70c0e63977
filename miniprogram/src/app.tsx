import Taro from '@tarojs/taro';
import { type PropsWithChildren, useEffect } from 'react';
import { routes } from './lib/nav';
import { api } from './services/api';
import './app.scss';

function App({ children }: PropsWithChildren) {
  // When a login is gone for good (the silent refresh was refused), send the user to sign in again.
  useEffect(() => {
    const a = api();
    const offCitizen = a.citizen.subscribe(() => {
      a.platform.toast('登录已过期，请重新登录');
      void Taro.redirectTo({ url: routes.login() });
    });
    const offStaff = a.staff.subscribe(() => {
      a.platform.toast('登录已过期，请重新登录');
      void Taro.redirectTo({ url: routes.staffLogin() });
    });
    return () => {
      offCitizen();
      offStaff();
    };
  }, []);
  return children;
}

export default App;
