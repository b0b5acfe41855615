package io.github.slabbin.tools.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.CategoryLineAnnotation;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

/**
 * The benchmark report's chart ({@code bench.svg}): a horizontal bar per case on a log scale of
 * ns per operation, coloured by group, with min–max whiskers, each bar followed by its ns/op and
 * its ratios ({@link #figures}), and a dashed line at the reference case. Drawn by JFreeChart
 * into JFreeSVG's {@link SVGGraphics2D}; with element hinting on, every bar's SVG group names
 * its case ({@code jfreesvg:ref}). The same report gives the same SVG, byte for byte.
 */
final class BenchChart {
    private static final int WIDTH = 1100;
    private static final int ROW = 24;
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Color REFERENCE = Color.decode("#d62728");
    private static final BasicStroke DASHED = new BasicStroke(1f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f);

    private BenchChart() {}

    /** A case as a category: shown by its label, known by its id. */
    private record Category(String id, String label) implements Comparable<Category> {
        @Override
        public int compareTo(Category o) {
            return id.compareTo(o.id);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Bars coloured by the group of their case. */
    private static final class GroupRenderer extends BarRenderer {
        private static final long serialVersionUID = 1L;
        private final transient List<BenchReport.Case> cases;

        GroupRenderer(List<BenchReport.Case> cases) {
            this.cases = cases;
        }

        @Override
        public Paint getItemPaint(int row, int column) {
            return color(cases.get(column).group);
        }
    }

    /** "ns/op ns, ratio" and, for C cases, the ratio to the C free list. */
    static String figures(BenchReport.Case c) {
        return BenchTable.fmt(c.value) + " ns, " + BenchTable.ratio(c.vsReference)
                + (Double.isNaN(c.vsFreelist) ? ""
                        : ", " + BenchTable.ratio(c.vsFreelist) + " vs C free list");
    }

    private static Color color(BenchReport.Group g) {
        return Color.decode(g.color);
    }

    /**
     * Draws the chart of a report whose cases are sorted and whose ratios are computed.
     *
     * @param r the report
     * @return the SVG document
     */
    static String svg(BenchReport r) {
        List<BenchReport.Case> cases = r.cases;
        BenchReport.Case ref = r.find(r.reference);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (BenchReport.Case c : cases) {
            data.addValue(c.value, "ns/op", new Category(c.id, c.label));
            for (double v : new double[] {c.value, c.min, c.max}) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == 0) {
            lo = 1;
            hi = 10;
        }
        double axisLo = Math.pow(10, Math.floor(Math.log10(lo)));
        // Room on the right for the bars' labels.
        double axisHi = Math.pow(10, Math.ceil(Math.log10(hi)) + 1);

        LogAxis values = new LogAxis("ns per op (log scale)");
        values.setRange(axisLo, axisHi);
        values.setTickUnit(new NumberTickUnit(1));              // one tick per power of ten
        values.setNumberFormatOverride(NumberFormat.getInstance(Locale.ROOT));
        values.setLabelFont(TEXT);
        values.setTickLabelFont(TEXT);
        CategoryAxis names = new CategoryAxis();
        names.setTickLabelFont(TEXT);
        names.setMaximumCategoryLabelWidthRatio(0.45f);

        GroupRenderer bars = new GroupRenderer(cases);
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setBase(axisLo);
        bars.setIncludeBaseInRange(false);
        bars.setMaximumBarWidth(0.7);

        CategoryPlot plot = new CategoryPlot(data, names, values, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (BenchReport.Case c : cases) {      // min-max whisker, then the figures beyond it
            Category k = new Category(c.id, c.label);
            plot.addAnnotation(new CategoryLineAnnotation(k, Math.max(c.min, axisLo), k,
                    Math.max(c.max, axisLo), Color.BLACK, new BasicStroke(1f)));
            CategoryTextAnnotation figures = new CategoryTextAnnotation(figures(c), k,
                    Math.max(c.max, c.value) * 1.12);
            figures.setFont(TEXT);
            figures.setTextAnchor(TextAnchor.CENTER_LEFT);
            plot.addAnnotation(figures);
        }
        ValueMarker marker = new ValueMarker(ref.value, REFERENCE, DASHED);
        plot.addRangeMarker(marker);
        LegendItemCollection legend = new LegendItemCollection();
        for (BenchReport.Group g : BenchReport.Group.values()) {
            legend.add(new LegendItem(g.title, color(g)));
        }
        LegendItem reference = new LegendItem("reference: " + ref.label, REFERENCE);
        reference.setShape(new Rectangle(0, -1, 14, 2));
        legend.add(reference);
        plot.setFixedLegendItems(legend);

        JFreeChart chart = new JFreeChart("slabbin: ns per allocate+free pair of a 32-byte block"
                + " (log scale; shorter is faster)" + (r.quick ? ", quick run" : ""), TITLE, plot,
                true);
        chart.setID("slabbin-bench");
        chart.setElementHinting(true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(TEXT);
        List<String> lines = new ArrayList<>();
        lines.add(BenchTable.machineLine(r) + "; " + r.date);
        lines.addAll(BenchTable.configParts(r));
        lines.add("ratio: ns/op divided by that of " + ref.label + " (same run); whiskers:"
                + " min-max");
        for (String line : lines) {
            chart.addSubtitle(subtitle(line, RectangleEdge.TOP));
        }
        chart.addSubtitle(subtitle("JMH cases: JMH score (mean of all iterations); C cases:"
                + " median over runs. Batch: per slot; empty JNI call: per call.",
                RectangleEdge.BOTTOM));

        int height = 190 + 17 * lines.size() + ROW * cases.size();
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, height);
        g2.setDefsKeyPrefix("slabbin-bench");
        chart.draw(g2, new Rectangle(0, 0, WIDTH, height));
        return g2.getSVGDocument() + "\n";
    }

    private static TextTitle subtitle(String text, RectangleEdge edge) {
        TextTitle t = new TextTitle(text, TEXT);
        t.setPosition(edge);
        t.setHorizontalAlignment(HorizontalAlignment.LEFT);
        t.setPaint(Color.DARK_GRAY);
        return t;
    }
}
