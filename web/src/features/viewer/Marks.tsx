// Draws marks over a picture of `width` × `height` (its own pixels): the
// SVG is stretched over the picture, strokes keep their width on screen.
import { arrowHead, type Mark, type MarkColor, type Point } from "./drawing";

const STROKE: Record<MarkColor, string> = {
  red: "var(--mark-red)", orange: "var(--mark-orange)", green: "var(--mark-green)", blue: "var(--mark-blue)",
  black: "var(--mark-black)",
};

export function Marks({ marks, width, height, className, style }: {
  marks: Mark[]; width: number; height: number; className?: string; style?: React.CSSProperties;
}) {
  if (marks.length === 0) return null;
  const px = (p: number[]): Point => [p[0] * width, p[1] * height];
  // Arrow heads a fixed share of the picture, so they read at any zoom.
  const head = Math.max(width, height) * 0.025;
  return (
    <svg className={`marks${className ? ` ${className}` : ""}`} viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none" style={style} aria-hidden="true">
      {marks.map((m, i) => {
        const [a, b] = [px(m.points[0]), px(m.points[1] ?? m.points[0])];
        const common = { stroke: STROKE[m.color], fill: "none", vectorEffect: "non-scaling-stroke" as const };
        switch (m.kind) {
          case "arrow": {
            const [l, r] = arrowHead(a, b, head);
            return (
              // vector-effect is not inherited: each shape keeps its own stroke width.
              <g key={i}>
                <line {...common} x1={a[0]} y1={a[1]} x2={b[0]} y2={b[1]} />
                <polyline {...common} points={`${l[0]},${l[1]} ${b[0]},${b[1]} ${r[0]},${r[1]}`} />
              </g>
            );
          }
          case "rectangle":
            return <rect key={i} {...common} x={Math.min(a[0], b[0])} y={Math.min(a[1], b[1])}
              width={Math.abs(a[0] - b[0])} height={Math.abs(a[1] - b[1])} />;
          case "ellipse":
            return <ellipse key={i} {...common} cx={(a[0] + b[0]) / 2} cy={(a[1] + b[1]) / 2}
              rx={Math.abs(a[0] - b[0]) / 2} ry={Math.abs(a[1] - b[1]) / 2} />;
          case "pen":
            return <polyline key={i} {...common} points={m.points.map((p) => px(p).join(",")).join(" ")} />;
        }
        return null;
      })}
    </svg>
  );
}
