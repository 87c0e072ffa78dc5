package ai.openmldb.operator.openmldb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.LongAdder;

/** Adds every byte read from a response body to a counter (what a pass costs in bytes). */
final class CountingInputStream extends FilterInputStream {
  private final LongAdder count;

  CountingInputStream(InputStream in, LongAdder count) {
    super(in);
    this.count = count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count.increment();
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count.add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count.add(skipped);
    return skipped;
  }
}
