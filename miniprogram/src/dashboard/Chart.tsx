import { View } from '@tarojs/components';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import Echarts from 'taro-react-echarts';

// Only what the dashboard draws: the full ECharts build is ~1 MB, this is about half.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export interface ChartProps {
  /** Read aloud instead of the picture. */
  label: string;
  option: Record<string, unknown>;
  height: number;
}

/** One ECharts canvas (H5: a canvas element; mini-programs: a 2d Canvas via taro-react-echarts). */
export default function Chart(props: ChartProps) {
  return (
    <View ariaRole="img" ariaLabel={props.label}>
      <Echarts
        echarts={echarts}
        // biome-ignore lint/suspicious/noExplicitAny: taro-react-echarts types the option with ECharts 4's EChartOption
        option={props.option as any}
        // No width here: in H5 taro-react-echarts hands style.width to echarts.init, which reads '100%' as
        // 100 px; without it the chart takes the container's measured width.
        style={{ height: `${props.height}px` }}
      />
    </View>
  );
}
