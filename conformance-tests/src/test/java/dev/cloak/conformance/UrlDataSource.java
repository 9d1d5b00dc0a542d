package dev.cloak.conformance;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The smallest data source over {@link DriverManager} and one URL, so the URL reaches Cloak untouched. */
class UrlDataSource extends BareDataSource {
    private final String url;

    UrlDataSource(String url) {
        this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url);
    }
}
