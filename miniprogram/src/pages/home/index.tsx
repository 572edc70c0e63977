import { Input, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ElderlyToggle } from '../../components/Elderly';
import { isOpenCase, nextStepShort } from '../../lib/format';
import { go, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { listMyCases } from '../../services/cases';
import { LIFE_EVENTS, searchServices } from '../../services/catalog';
import type { CaseSummary, ServiceSummary } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';
import { ProactiveCards, useProactive } from './proactive';

/** The services elders use most, shown as big buttons on the simplified home. */
export const COMMON_SERVICES = [
  'bundle.newborn',
  'bundle.retirement',
  'hf.housing-fund-withdrawal',
  'hrss.unemployment-benefit',
];

/**
 * 为您推荐: services of the life events the citizen's own cases belong to (a birth → 生育津贴, 医保参保…),
 * leaving out what they already applied for. Proactive offers from the rules come on top (issue 9,
 * ./proactive.tsx).
 */
export function recommendedFor(mine: CaseSummary[], services: ServiceSummary[]): ServiceSummary[] {
  const applied = new Set(mine.map((c) => c.service.code));
  const events = new Set(services.filter((s) => applied.has(s.code)).flatMap((s) => s.lifeEvents));
  return services.filter((s) => !applied.has(s.code) && s.lifeEvents.some((e) => events.has(e))).slice(0, 4);
}

export function departmentsOf(services: ServiceSummary[]): { code: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const s of services)
    for (const d of s.departments) if (d.lead && !seen.has(d.code)) seen.set(d.code, d.name);
  return [...seen].map(([code, name]) => ({ code, name }));
}

/** One service in a list: tapping it opens its guide. */
function ServiceRow(props: {
  service: ServiceSummary;
  role: 'option' | 'link';
  label?: string;
  children?: ReactNode;
}) {
  return (
    <View
      className="suggest__item"
      ariaRole={props.role}
      ariaLabel={props.label ?? `办理${props.service.name}`}
      onClick={() => go(routes.service(props.service.code))}
    >
      <Text>{props.service.name}</Text>
      {props.children}
    </View>
  );
}

export default function Home() {
  const [elderly] = useElderly();
  const [q, setQ] = useState('');
  const [suggestions, setSuggestions] = useState<ServiceSummary[]>([]);
  const [lifeEvent, setLifeEvent] = useState<string | undefined>();
  const [department, setDepartment] = useState<string | undefined>();
  const [departments, setDepartments] = useState<{ code: string; name: string }[]>([]);
  const [services, setServices] = useState<ServiceSummary[]>([]);
  const [myCases, setMyCases] = useState<CaseSummary[]>([]);
  const [allMine, setAllMine] = useState<CaseSummary[]>([]);
  const [catalog, setCatalog] = useState<ServiceSummary[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const proactive = useProactive(api());

  useEffect(() => {
    searchServices(api(), { lifeEvent, department })
      .then((p) => {
        setServices(p.items);
        // The department list comes from the unfiltered catalog (lead departments first).
        if (!lifeEvent && !department) {
          setDepartments(departmentsOf(p.items));
          setCatalog(p.items);
        }
      })
      .catch(() => setServices([]));
  }, [lifeEvent, department]);

  useDidShow(() => {
    if (!api().citizen.signedIn) return;
    listMyCases(api(), { limit: 20 })
      .then((p) => {
        setAllMine(p.items);
        setMyCases(p.items.filter((c) => isOpenCase(c.status)).slice(0, 5));
      })
      .catch(() => setMyCases([]));
    proactive.reload();
  });

  const onSearch = (text: string) => {
    setQ(text);
    clearTimeout(timer.current);
    if (!text.trim()) return setSuggestions([]);
    // A short pause keeps typing (pinyin composition included) from firing a request per key.
    timer.current = setTimeout(() => {
      searchServices(api(), { q: text.trim() })
        .then((p) => setSuggestions(p.items.slice(0, 8)))
        .catch(() => setSuggestions([]));
    }, 250);
  };

  const recommended = recommendedFor(allMine, catalog);
  const common = COMMON_SERVICES.map((code) => services.find((s) => s.code === code)).filter(
    (s): s is ServiceSummary => s !== undefined,
  );

  return (
    <View className={pageClass(elderly)}>
      <Input
        className="input"
        value={q}
        placeholder="搜索办事事项，如：出生、退休、公积金"
        ariaLabel="搜索办事事项"
        confirmType="search"
        onInput={(e) => onSearch(e.detail.value)}
      />
      {suggestions.length > 0 && (
        <View className="suggest" ariaRole="listbox" ariaLabel="搜索建议">
          {suggestions.map((s) => (
            <ServiceRow key={s.code} service={s} role="option" />
          ))}
        </View>
      )}

      {myCases.length > 0 && (
        <View className="card">
          <Text className="title">我的办件（办理中）</Text>
          {myCases.map((c) => (
            <View
              key={c.id}
              className="row suggest__item"
              ariaRole="link"
              ariaLabel={`${c.service.name}，${c.statusLabel}，查看详情`}
              onClick={() => go(routes.case(c.id))}
            >
              <View style={{ flex: 1 }}>
                <Text>{c.service.name}</Text>
                <Text className="field__help">{nextStepShort(c.status)}</Text>
              </View>
              <Text className="chip">{c.statusLabel}</Text>
            </View>
          ))}
        </View>
      )}

      <ProactiveCards p={proactive} />

      {(recommended.length > 0 || proactive.recommendations.length > 0) && (
        <View className="card">
          <Text className="title">为您推荐</Text>
          {/* The recommendation rules over the citizen's profile first, each with its reason. */}
          {proactive.recommendations.map((r) => (
            <View
              key={r.serviceCode}
              className="suggest__item"
              ariaRole="link"
              ariaLabel={`推荐：${r.serviceName}，${r.reason}`}
              onClick={() => go(routes.service(r.serviceCode))}
            >
              <Text>{r.serviceName}</Text>
              <Text className="field__help">{r.reason}</Text>
            </View>
          ))}
          {recommended
            .filter((s) => !proactive.recommendations.some((r) => r.serviceCode === s.code))
            .map((s) => (
              <ServiceRow key={s.code} service={s} role="link" label={`推荐：${s.name}`} />
            ))}
        </View>
      )}

      {elderly ? (
        <View>
          <Text className="title">常用服务</Text>
          {common.map((s) => (
            <View
              key={s.code}
              className="btn"
              ariaRole="button"
              ariaLabel={`办理${s.name}`}
              onClick={() => go(routes.service(s.code))}
            >
              {s.shortName ?? s.name}
            </View>
          ))}
          <View
            className="btn btn--plain"
            ariaRole="button"
            ariaLabel="查看我的办件"
            onClick={() => go(routes.cases())}
          >
            我的办件
          </View>
        </View>
      ) : (
        <View>
          <Text className="title">按人生大事找服务</Text>
          <View className="chips" ariaRole="tablist">
            <View
              className={`chip${lifeEvent === undefined ? ' chip--on' : ''}`}
              ariaRole="tab"
              ariaLabel="全部服务"
              onClick={() => {
                setLifeEvent(undefined);
                setDepartment(undefined);
              }}
            >
              全部
            </View>
            {LIFE_EVENTS.map((e) => (
              <View
                key={e.code}
                className={`chip${lifeEvent === e.code ? ' chip--on' : ''}`}
                ariaRole="tab"
                ariaLabel={`${e.label}相关服务`}
                onClick={() => {
                  setDepartment(undefined);
                  setLifeEvent(e.code);
                }}
              >
                {e.label}
              </View>
            ))}
          </View>
          <Text className="title">按部门找服务</Text>
          <View className="chips" ariaRole="tablist">
            {departments.map((d) => (
              <View
                key={d.code}
                className={`chip${department === d.code ? ' chip--on' : ''}`}
                ariaRole="tab"
                ariaLabel={`${d.name}的服务`}
                onClick={() => {
                  setLifeEvent(undefined);
                  setDepartment(d.code);
                }}
              >
                {d.name}
              </View>
            ))}
          </View>
          <View className="card">
            {services.map((s) => (
              <ServiceRow key={s.code} service={s} role="link">
                <Text className="muted">
                  {' '}
                  {s.departments.find((d) => d.lead)?.name ?? s.departments[0]?.name ?? ''}
                </Text>
              </ServiceRow>
            ))}
            {services.length === 0 && <Text className="muted">暂无相关服务</Text>}
          </View>
          <View className="row">
            <View
              className="btn btn--plain"
              ariaRole="button"
              ariaLabel="查看我的办件"
              onClick={() => go(routes.cases())}
            >
              我的办件
            </View>
            <View
              className="btn btn--plain"
              ariaRole="button"
              ariaLabel="工作人员入口"
              onClick={() => go(routes.staffTasks())}
            >
              工作人员入口
            </View>
          </View>
        </View>
      )}
      <ElderlyToggle />
    </View>
  );
}
