import { describe, expect, it } from 'vitest'
import { boundedTasks } from '../../lib/util/concurrency.js'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('boundedTasks', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const tasks = boundedTasks(3)
    let running = 0,
      peak = 0,
      done = 0
    for (let i = 0; i < 20; i++) {
      await tasks.add(async () => {
        peak = Math.max(peak, ++running)
        await tick()
        running--
        done++
      })
    }
    await tasks.drain()
    expect(peak).toBe(3)
    expect(done).toBe(20)
  })

  it('rethrows the first failure on drain without an unhandled rejection', async () => {
    const tasks = boundedTasks(2)
    await tasks.add(async () => {
      await tick()
      throw new Error('first')
    })
    await tasks.add(async () => {
      await tick()
      throw new Error('second')
    })
    await expect(tasks.drain()).rejects.toThrow('first')
  })

  it('refuses new tasks once one has failed', async () => {
    const tasks = boundedTasks(1)
    await tasks.add(async () => {
      throw new Error('boom')
    })
    await expect(tasks.add(async () => undefined)).rejects.toThrow('boom')
  })
})

describe('boundedTasks after a failure', () => {
  it('lets running tasks finish before the failure reaches the caller', async () => {
    const tasks = boundedTasks(4)
    let slowDone = false
    await tasks.add(async () => {
      await tick()
      await tick()
      slowDone = true
    })
    await tasks.add(async () => {
      throw new Error('fast failure')
    })
    await expect(tasks.add(async () => undefined)).rejects.toThrow('fast failure')
    expect(slowDone).toBe(true)
  })
})
