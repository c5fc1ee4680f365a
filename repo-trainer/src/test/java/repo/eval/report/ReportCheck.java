package repo.eval.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** Shared assertion: a report renders in headless Chromium with no console output and with drawn chart elements. */
public final class ReportCheck {
    private ReportCheck() {
    }

    public static void assertRendersInChromium(Path html, Path profile) throws Exception {
        Chromium.Page page = Chromium.load(html, profile);
        assertThat(page.consoleErrors()).as(page.stderr()).isFalse();
        assertThat(page.dom()).contains("<table id=\"metrics\"");
        assertThat(HtmlReportTest.count(page.dom(), "<(polyline|rect|circle) class=\"series\"")).isGreaterThan(0);
    }
}
