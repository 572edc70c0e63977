import { Text, View } from '@tarojs/components';
import { useCallback, useRef, useState } from 'react';
import { dateText } from '../../lib/format';
import { go, routes } from '../../lib/nav';
import type { Api } from '../../services/api';
import {
  acceptOffer,
  declineOffer,
  listOffers,
  listPolicies,
  listRecommendations,
  type Offer,
  type PolicyList,
  type Recommendation,
} from '../../services/profile';

/** Offers the citizen can still act on: proposed ones, and those granted without asking (免申即享). */
export const openOffers = (offers: Offer[]) =>
  offers.filter((o) => o.status === 'offered' || o.status === 'granted');

/**
 * 政策找人 on the home: the open offers and the policies the citizen qualifies for. Loaded on every show
 * (an offer accepted elsewhere disappears); a failure only hides the cards.
 */
export function useProactive(api: Api) {
  const [offers, setOffers] = useState<Offer[]>([]);
  const [policies, setPolicies] = useState<PolicyList>();
  const [recommendations, setRecommendations] = useState<Recommendation[]>([]);
  const busy = useRef(false);

  const reload = useCallback(() => {
    listOffers(api).then(
      (r) => setOffers(openOffers(r.items)),
      () => setOffers([]),
    );
    listPolicies(api).then(setPolicies, () => setPolicies(undefined));
    listRecommendations(api).then(
      (r) => setRecommendations(r.items),
      () => setRecommendations([]),
    );
  }, [api]);

  const once = async (work: () => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    try {
      await work();
    } catch {
      // the request layer has shown why
    } finally {
      busy.current = false;
    }
  };
  const drop = (id: string) => setOffers((list) => list.filter((o) => o.id !== id));

  /** The gateway writes a pre-filled draft; the apply page restores it (「已从草稿恢复」). */
  const accept = (o: Offer) =>
    once(async () => {
      const { serviceCode } = await acceptOffer(api, o.id);
      drop(o.id);
      go(routes.apply(serviceCode || o.serviceCode));
    });

  const decline = (o: Offer) =>
    once(async () => {
      if (
        o.status === 'granted' &&
        !(await api.platform.confirm({
          title: '不需要此项服务',
          content: '确定不需要这项服务吗？已为您办理的将撤回',
          confirmText: '不需要',
        }))
      )
        return;
      await declineOffer(api, o.id);
      drop(o.id);
      api.platform.toast(o.status === 'granted' ? '已为您撤回' : '好的，不再为您推荐此项');
    });

  return { offers, policies, recommendations, reload, accept, decline };
}

function OfferRow({ o, p }: { o: Offer; p: ReturnType<typeof useProactive> }) {
  const granted = o.status === 'granted';
  return (
    <View className="suggest__item" ariaRole="group" ariaLabel={o.title}>
      <Text className="field__label">{o.title}</Text>
      {o.lifeEvent && (
        <Text className="field__help">
          因「{o.lifeEvent.label}」（{dateText(o.lifeEvent.at)}）为您推荐
        </Text>
      )}
      <Text className="field__help">{granted ? '已为您自动办理（免申即享）' : o.message}</Text>
      {!granted && o.dueDate && <Text className="field__help">请于{dateText(o.dueDate)}前办理</Text>}
      <View className="row">
        {granted ? (
          o.caseId && (
            <View
              className="btn btn--small"
              ariaRole="button"
              ariaLabel={`查看${o.title}的办理进度`}
              onClick={() => go(routes.case(o.caseId!))}
            >
              查看进度
            </View>
          )
        ) : (
          <View
            className="btn btn--small"
            ariaRole="button"
            ariaLabel={`去办理${o.title}`}
            onClick={() => p.accept(o)}
          >
            去办理
          </View>
        )}
        <View
          className="btn btn--plain btn--small"
          ariaRole="button"
          ariaLabel={`${granted ? '不需要此项' : '不需要'}：${o.title}`}
          onClick={() => p.decline(o)}
        >
          {granted ? '不需要此项' : '不需要'}
        </View>
      </View>
    </View>
  );
}

/** The home's cards: 为您主动服务, 您可享受的政策 (at most 3), or the invitation to verify the real name. */
export function ProactiveCards({ p }: { p: ReturnType<typeof useProactive> }) {
  const eligible = p.policies?.items.filter((x) => x.eligible).slice(0, 3) ?? [];
  return (
    <View>
      {p.offers.length > 0 && (
        <View className="card">
          <Text className="title">为您主动服务</Text>
          {p.offers.map((o) => (
            <OfferRow key={o.id} o={o} p={p} />
          ))}
        </View>
      )}
      {p.policies?.bound === false && (
        <View
          className="card row"
          ariaRole="link"
          ariaLabel="实名认证后，为您推荐可享受的政策"
          onClick={() => go(routes.realName())}
        >
          <Text>实名认证后，为您推荐可享受的政策</Text>
          <Text className="link">去认证</Text>
        </View>
      )}
      {p.policies?.bound && (
        <View className="card">
          <View className="row">
            <Text className="title">您可享受的政策</Text>
            <View className="link" ariaRole="link" ariaLabel="全部政策" onClick={() => go(routes.policies())}>
              全部政策
            </View>
          </View>
          {eligible.map((x) => (
            <View
              key={x.code}
              className="suggest__item"
              ariaRole="link"
              ariaLabel={`${x.title}，查看办理`}
              onClick={() => go(routes.service(x.serviceCode))}
            >
              <Text>{x.title}</Text>
              <Text className="field__help">{x.grant === 'automatic' ? '免申即享' : x.summary}</Text>
            </View>
          ))}
          {eligible.length === 0 && <Text className="muted">暂未发现您可享受的政策</Text>}
        </View>
      )}
    </View>
  );
}
